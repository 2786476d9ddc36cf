-- +goose Up
-- Reminders, notifications and the annual cycle (package remind).

-- An organisation's reminder rules; no row means the defaults.
CREATE TABLE reminder_settings (
    org_id            INTEGER      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    before_days       TEXT        NOT NULL DEFAULT '14,3,0' CHECK (length(before_days) BETWEEN 1 AND 23 AND before_days NOT GLOB '*[^0-9,]*'),
    overdue_every     INTEGER     NOT NULL DEFAULT 7 CHECK (overdue_every BETWEEN 0 AND 90),
    escalate_after    INTEGER     NOT NULL DEFAULT 7 CHECK (escalate_after BETWEEN 0 AND 365),
    stalled_after     INTEGER     NOT NULL DEFAULT 60 CHECK (stalled_after BETWEEN 0 AND 730),
    send_hour         INTEGER     NOT NULL DEFAULT 8 CHECK (send_hour BETWEEN 0 AND 23),
    report_day        INTEGER     NOT NULL DEFAULT 0 CHECK (report_day BETWEEN 0 AND 28),
    report_recipients TEXT        NOT NULL DEFAULT '' CHECK (length(report_recipients) <= 4000),
    agenda_days       INTEGER     NOT NULL DEFAULT 7 CHECK (agenda_days BETWEEN 0 AND 60),
    network_days      INTEGER     NOT NULL DEFAULT 14 CHECK (network_days BETWEEN 0 AND 60),
    updated_at        TIMESTAMP NOT NULL,
    PRIMARY KEY (org_id)
);

-- Holiday weeks an organisation sets (fellesferie, semester): no
-- reminders on those days; they move to the next working day.
CREATE TABLE reminder_closures (
    org_id INTEGER NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id     INTEGER PRIMARY KEY AUTOINCREMENT,
    name   TEXT   NOT NULL CHECK (length(name) <= 200),
    starts DATE   NOT NULL,
    ends   DATE   NOT NULL CHECK (ends >= starts),
    UNIQUE (org_id, id)
);

-- The send log: one row per reminder, escalation, agenda, minutes,
-- report or digest delivered to one recipient, keyed by item, rule and
-- occurrence. Written in the transaction that hands the message to the
-- outbox, and checked before, so nothing is sent twice.
CREATE TABLE reminder_sends (
    org_id     INTEGER      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    key        TEXT        NOT NULL CHECK (length(key) <= 400),
    kind       TEXT        NOT NULL,
    item_key   TEXT        NOT NULL DEFAULT '',
    rule       TEXT        NOT NULL DEFAULT '',
    occurrence DATE,
    user_id    INTEGER      REFERENCES users (id) ON DELETE SET NULL,
    address    TEXT        NOT NULL DEFAULT '',
    title      TEXT        NOT NULL DEFAULT '',
    url        TEXT        NOT NULL DEFAULT '',
    channel    TEXT        NOT NULL CHECK (channel IN ('mail', 'app', 'digest')),
    message_id TEXT        NOT NULL DEFAULT '',
    sent_at    TIMESTAMP NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX reminder_sends_key ON reminder_sends (org_id, key);
CREATE INDEX reminder_sends_sent ON reminder_sends (org_id, sent_at);

-- In-app notifications (the bell). mail_pending marks one waiting for
-- its recipient's daily or weekly digest.
CREATE TABLE notifications (
    org_id       INTEGER      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind         TEXT        NOT NULL,
    title        TEXT        NOT NULL CHECK (length(title) <= 1000),
    body         TEXT        NOT NULL DEFAULT '' CHECK (length(body) <= 4000),
    url          TEXT        NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    read_at      TIMESTAMP,
    mail_pending INTEGER     NOT NULL DEFAULT 0,
    UNIQUE (org_id, id)
);
CREATE INDEX notifications_user ON notifications (org_id, user_id, created_at);

-- A person's choice per kind of message: immediately, daily or weekly
-- digest, or in the app only. No row: immediately.
CREATE TABLE notification_prefs (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind    TEXT   NOT NULL,
    mode    TEXT   NOT NULL CHECK (mode IN ('immediate', 'daily', 'weekly', 'off')),
    PRIMARY KEY (user_id, kind)
);

-- A person away names a delegate for the period: reminders due to them
-- go to the delegate.
CREATE TABLE absences (
    org_id      INTEGER      NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id     INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    delegate_id INTEGER      REFERENCES users (id) ON DELETE SET NULL,
    starts      DATE        NOT NULL,
    ends        DATE        NOT NULL CHECK (ends >= starts),
    created_at  TIMESTAMP NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX absences_user ON absences (org_id, user_id, ends);

-- Personal iCalendar feeds: a secret URL per user (its hash kept),
-- revocable.
CREATE TABLE calendar_feeds (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id      INTEGER      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   TEXT        NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    revoked_at   TIMESTAMP,
    last_used_at TIMESTAMP
);
CREATE INDEX calendar_feeds_user ON calendar_feeds (user_id);

-- +goose Down
DROP TABLE calendar_feeds;
DROP TABLE absences;
DROP TABLE notification_prefs;
DROP TABLE notifications;
DROP TABLE reminder_sends;
DROP TABLE reminder_closures;
DROP TABLE reminder_settings;
