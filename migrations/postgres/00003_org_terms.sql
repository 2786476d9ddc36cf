-- +goose Up
-- An organisation's own words for key domain terms, per language
-- (introduksjonsprogram, etableringsprogrammet, integrationsprogram …).
CREATE TABLE org_terms (
    org_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    term   TEXT   NOT NULL,
    locale TEXT   NOT NULL,
    label  TEXT   NOT NULL,
    PRIMARY KEY (org_id, term, locale)
);
SELECT samvirke_enable_rls('org_terms');

-- A municipality's membership of a network is its own data too: it may
-- read the rows that name it as the member.
CREATE POLICY member_read ON network_members FOR SELECT USING (samvirke_may_read(member_org_id));

-- +goose Down
DROP POLICY member_read ON network_members;
DROP TABLE org_terms;
