-- +goose Up
-- Search now matches an answer's goals and measures too: the stored search
-- text is made again for every answer by the migration step
-- (workbook.FillSearchText fills what is NULL). System work, so that
-- row-level security lets the statement see every organisation's answers.
SELECT set_config('app.system', 'on', true);
UPDATE workbook_entries SET search_text = NULL;

-- +goose Down
SELECT 1;
