-- +goose Up
-- Billing (package billing): an organisation's billing account and
-- subscription state, the Stripe events received, and the invoices with
-- their EHF / Peppol BIS 3.0 documents. Billing never deletes an
-- organisation's data; these rows go only with the organisation.

-- One row per organisation that has billing details or a subscription,
-- or that existed when billing was turned on: free_trial_ends is when its
-- free trial ends (30 days from then, not from its creation).
-- state_at is the time of the Stripe event the subscription state came
-- from: an older event arriving later does not overwrite it.
CREATE TABLE billing_accounts (
    org_id               INTEGER     NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    country              TEXT        NOT NULL DEFAULT '' CHECK (country IN ('', 'NO', 'SE', 'DK')),
    population           INTEGER     NOT NULL DEFAULT 0 CHECK (population BETWEEN 0 AND 10000000),
    org_number           TEXT        NOT NULL DEFAULT '' CHECK (length(org_number) <= 20),
    buyer_reference      TEXT        NOT NULL DEFAULT '' CHECK (length(buyer_reference) <= 100),
    invoice_email        TEXT        NOT NULL DEFAULT '' CHECK (length(invoice_email) <= 254),
    street               TEXT        NOT NULL DEFAULT '' CHECK (length(street) <= 200),
    postal_code          TEXT        NOT NULL DEFAULT '' CHECK (length(postal_code) <= 20),
    city                 TEXT        NOT NULL DEFAULT '' CHECK (length(city) <= 100),
    customer_id          TEXT        NOT NULL DEFAULT '',
    tax_id               TEXT        NOT NULL DEFAULT '',
    free_trial_ends      TIMESTAMP,
    plan                 TEXT        NOT NULL DEFAULT '',
    subscription_id      TEXT        NOT NULL DEFAULT '',
    status               TEXT        NOT NULL DEFAULT '',
    collection           TEXT        NOT NULL DEFAULT '',
    period_end           TIMESTAMP,
    trial_end            TIMESTAMP,
    cancel_at_period_end BOOLEAN     NOT NULL DEFAULT 0,
    past_due_since       TIMESTAMP,
    canceled_at          TIMESTAMP,
    state_at             TIMESTAMP,
    updated_at           TIMESTAMP   NOT NULL,
    PRIMARY KEY (org_id)
);
CREATE UNIQUE INDEX billing_accounts_customer ON billing_accounts (customer_id) WHERE customer_id <> '';

-- Every Stripe event received with a good signature, once by its id.
CREATE TABLE billing_events (
    id           TEXT        NOT NULL PRIMARY KEY CHECK (length(id) <= 255),
    type         TEXT        NOT NULL,
    created      TIMESTAMP   NOT NULL,
    received_at  TIMESTAMP   NOT NULL,
    processed_at TIMESTAMP,
    org_ref      INTEGER,
    payload      TEXT        NOT NULL,
    error        TEXT        NOT NULL DEFAULT ''
);
CREATE INDEX billing_events_pending ON billing_events (received_at) WHERE processed_at IS NULL;

-- An organisation's invoices as Stripe finalised them; ubl is the
-- Peppol BIS Billing 3.0 document of an invoice sent to a public buyer.
CREATE TABLE billing_invoices (
    org_id          INTEGER     NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    stripe_id       TEXT        NOT NULL,
    number          TEXT        NOT NULL DEFAULT '',
    status          TEXT        NOT NULL DEFAULT '',
    collection      TEXT        NOT NULL DEFAULT '',
    currency        TEXT        NOT NULL DEFAULT '',
    subtotal        INTEGER     NOT NULL DEFAULT 0,
    tax             INTEGER     NOT NULL DEFAULT 0,
    total           INTEGER     NOT NULL DEFAULT 0,
    amount_due      INTEGER     NOT NULL DEFAULT 0,
    amount_paid     INTEGER     NOT NULL DEFAULT 0,
    issued_at       TIMESTAMP,
    due_on          TIMESTAMP,
    period_start    TIMESTAMP,
    period_end      TIMESTAMP,
    hosted_url      TEXT        NOT NULL DEFAULT '',
    pdf_url         TEXT        NOT NULL DEFAULT '',
    buyer_reference TEXT        NOT NULL DEFAULT '',
    ubl             TEXT        NOT NULL DEFAULT '',
    ubl_error       TEXT        NOT NULL DEFAULT '',
    delivered_at    TIMESTAMP,
    delivery_error  TEXT        NOT NULL DEFAULT '',
    created_at      TIMESTAMP   NOT NULL,
    updated_at      TIMESTAMP   NOT NULL,
    UNIQUE (org_id, id)
);
CREATE UNIQUE INDEX billing_invoices_stripe ON billing_invoices (org_id, stripe_id);
CREATE INDEX billing_invoices_org ON billing_invoices (org_id, created_at);

-- +goose Down
DROP TABLE billing_invoices;
DROP TABLE billing_events;
DROP TABLE billing_accounts;
