package indicator

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/files"
	"github.com/samvirke/samvirke/internal/org"
)

// TypeMonthlyReport builds an organisation's monthly indicator report as
// PDF and keeps it in the file store, for the reminders to send.
const TypeMonthlyReport = "indicator:monthly_report"

// MonthlyReportPayload says whose report, for which month, how printed.
type MonthlyReportPayload struct {
	OrgID  int64  `json:"org_id"`
	Month  string `json:"month"`            // «2020-04»
	Locale string `json:"locale,omitempty"` // the organisation's when empty
	Public bool   `json:"public,omitempty"`
}

// NewMonthlyReportTask answers the task for p.
func NewMonthlyReportTask(p MonthlyReportPayload) (*asynq.Task, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypeMonthlyReport, b, asynq.MaxRetry(5), asynq.Timeout(2*time.Minute)), nil
}

// ReportUse is what a stored monthly report may be.
var ReportUse = files.Use{Field: "report", MaxSize: 32 << 20, Types: []string{"application/pdf"}}

// Tasks runs the indicator capability's background work.
type Tasks struct {
	Service *Service
	Files   *files.Service
	// Text is the translation catalogue (i18n.Catalog.T).
	Text func(locale, key string, args ...any) string
}

// RegisterTasks adds the handlers to mux.
func (t *Tasks) RegisterTasks(mux *asynq.ServeMux) {
	mux.HandleFunc(TypeMonthlyReport, t.HandleMonthlyReport)
}

// HandleMonthlyReport builds the report the task names and stores it as
// «<org> <month>.pdf» in the organisation's files, once: a report with
// the same content already stored is not stored again. A payload that
// does not read, an organisation that is gone or is no municipality, or
// a month that is not one, is permanent (asynq.SkipRetry).
func (t *Tasks) HandleMonthlyReport(ctx context.Context, task *asynq.Task) error {
	_, err := t.MonthlyReport(ctx, task.Payload())
	return err
}

// MonthlyReport is HandleMonthlyReport answering the stored file.
func (t *Tasks) MonthlyReport(ctx context.Context, payload []byte) (*files.File, error) {
	var p MonthlyReportPayload
	if err := json.Unmarshal(payload, &p); err != nil || p.OrgID <= 0 {
		return nil, fmt.Errorf("indicator: monthly report: bad payload %q: %w", payload, asynq.SkipRetry)
	}
	var o *org.Organisation
	err := db.Run(ctx, t.Service.DB, db.SystemScope, func(ctx context.Context, idb bun.IDB) error {
		var err error
		o, err = org.FindOrganisationByID(ctx, idb, p.OrgID)
		return err
	})
	if app.ErrorCode(err) == app.ENotFound {
		return nil, fmt.Errorf("indicator: monthly report: organisation %d: %w", p.OrgID, asynq.SkipRetry)
	}
	if err != nil {
		return nil, err
	}
	loc := p.Locale
	if loc == "" {
		loc = o.Locale
	}
	opt := MonthlyOptions{Locale: loc, Public: p.Public, T: func(key string, args ...any) string { return t.Text(loc, key, args...) }}
	rep, err := t.Service.MonthlyReport(ctx, o, p.Month, opt)
	if c := app.ErrorCode(err); c == app.EInvalid || c == app.ENotFound {
		return nil, fmt.Errorf("indicator: monthly report %d %s: %w: %w", p.OrgID, p.Month, err, asynq.SkipRetry)
	}
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	// Dated by its figures, not by now: the same figures print the same
	// bytes, so a second run finds the copy stored (the PDF's creation
	// date would differ otherwise).
	created := rep.Changed
	if created.IsZero() {
		created = rep.Month.End()
	}
	if err := rep.Document(opt, created).WritePDF(&buf); err != nil {
		return nil, err
	}
	name := fmt.Sprintf("%s %s.pdf", o.Name, rep.Month.Key())
	if f, err := t.stored(ctx, o.ID, name, buf.Bytes()); f != nil || err != nil {
		return f, err
	}
	return t.Files.Create(ctx, o.ID, name, &buf, ReportUse)
}

// stored answers the organisation's file of that name and content, if
// it is stored already.
func (t *Tasks) stored(ctx context.Context, orgID int64, name string, content []byte) (*files.File, error) {
	var out []*files.File
	err := db.Run(ctx, t.Service.DB, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		return idb.NewSelect().Model(&out).Where("org_id = ? AND name = ? AND sha256 = ?", orgID, files.SanitizeName(name, "file"), files.SHA256(content)).
			Limit(1).Scan(ctx)
	})
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}
