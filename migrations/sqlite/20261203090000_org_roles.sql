-- +goose Up
-- An organisation's roles and units and the members who fill them (see
-- the PostgreSQL migration).
CREATE TABLE org_roles (
    org_id     INTEGER   NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    id         INTEGER   PRIMARY KEY AUTOINCREMENT,
    name       TEXT      NOT NULL,
    kind       TEXT      NOT NULL CHECK (kind IN ('role', 'unit')),
    lookup_key TEXT      NOT NULL,
    created_at TIMESTAMP NOT NULL,
    UNIQUE (org_id, id),
    UNIQUE (org_id, lookup_key)
);

CREATE TABLE org_role_members (
    org_id  INTEGER NOT NULL,
    role_id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    PRIMARY KEY (org_id, role_id, user_id),
    FOREIGN KEY (org_id, role_id) REFERENCES org_roles (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, user_id) REFERENCES memberships (org_id, user_id) ON DELETE CASCADE
);
CREATE INDEX org_role_members_user_idx ON org_role_members (org_id, user_id);

-- +goose Down
DROP TABLE org_role_members;
DROP TABLE org_roles;
