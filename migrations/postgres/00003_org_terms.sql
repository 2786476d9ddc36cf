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

-- +goose Down
DROP TABLE org_terms;
