package remind

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/queue"
)

// Daily is work done once a day for an organisation, in its send hour,
// after the day's reminders are planned: reports, agendas, digests. cal
// is the organisation's calendar of working days (its country's holidays
// and its holiday weeks), read once for all of them. It must be safe to
// run twice for the same day (use Send's keys).
type Daily interface {
	Daily(ctx context.Context, o *org.Organisation, set Settings, cal *Calendar, day time.Time) error
}

// Tasks runs the reminder engine's background work.
type Tasks struct {
	Service *Service
	// Dailies run after the plan in each organisation's send hour.
	Dailies []Daily
}

// RegisterTasks adds the handlers to mux.
func (t *Tasks) RegisterTasks(mux *asynq.ServeMux) {
	mux.HandleFunc(TypePlan, t.HandlePlan)
	mux.HandleFunc(TypeDeliver, t.HandleDeliver)
}

// Schedule fires the plan every hour in every organisation's time zone;
// the plan starts the day in the organisation's send hour (08:00 unless
// it chose another), so it follows the organisation's clock across
// daylight-saving changes, and each later hour of the day sends what the
// send log does not hold yet.
func (t *Tasks) Schedule(s *queue.Scheduler) error {
	return s.Register(queue.Periodic{Name: TypePlan, Spec: "0 * * * *", PerOrg: true, Queue: queue.Default,
		Task: func(orgID int64, at time.Time) (*asynq.Task, error) {
			return NewPlanTask(PlanPayload{OrgID: orgID, At: at})
		}})
}

// NewPlanTask answers the plan task of p.
func NewPlanTask(p PlanPayload) (*asynq.Task, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	return asynq.NewTask(TypePlan, b, asynq.MaxRetry(5), asynq.Timeout(10*time.Minute)), nil
}

// HandlePlan plans the organisation's reminders for its day from its send
// hour on, and runs the dailies in the send hour.
func (t *Tasks) HandlePlan(ctx context.Context, task *asynq.Task) error {
	var p PlanPayload
	if err := json.Unmarshal(task.Payload(), &p); err != nil || p.OrgID <= 0 {
		return fmt.Errorf("remind: plan: bad payload %q: %w", task.Payload(), asynq.SkipRetry)
	}
	_, err := t.RunPlan(ctx, p)
	return err
}

// RunPlan is HandlePlan answering how many deliveries it planned.
func (t *Tasks) RunPlan(ctx context.Context, p PlanPayload) (int, error) {
	s := t.Service
	var o *org.Organisation
	var set Settings
	var closures []Closure
	err := db.Run(ctx, s.DB, db.OrgScope(p.OrgID), func(ctx context.Context, idb bun.IDB) error {
		var err error
		if o, err = org.FindOrganisationByID(ctx, idb, p.OrgID); err != nil {
			return err
		}
		if set, err = LoadSettings(ctx, idb, p.OrgID); err != nil {
			return err
		}
		closures, err = Closures(ctx, idb, p.OrgID)
		return err
	})
	if app.ErrorCode(err) == app.ENotFound {
		return 0, fmt.Errorf("remind: plan: organisation %d: %w", p.OrgID, asynq.SkipRetry)
	}
	if err != nil {
		return 0, err
	}
	local := p.At.In(o.Location())
	// From the send hour to midnight, every hour: the send hour plans the
	// day, the later hours plan what the send log does not hold yet (the
	// send hour's tasks lost with the queue, or no worker at 08:00).
	if !p.Force && (local.Hour() < set.SendHour || local.Minute() != 0) {
		return 0, nil
	}
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, time.UTC)
	n, err := s.Plan(ctx, o.ID, day)
	if err != nil || (!p.Force && local.Hour() != set.SendHour) {
		return n, err // the dailies run in the send hour (reports catch up by themselves)
	}
	cal := NewCalendar(o.Country, closures)
	var errs []error
	for _, d := range t.Dailies {
		errs = append(errs, d.Daily(ctx, o, set, cal, day))
	}
	return n, errors.Join(errs...)
}

// HandleDeliver sends one planned reminder or escalation.
func (t *Tasks) HandleDeliver(ctx context.Context, task *asynq.Task) error {
	var d Delivery
	if err := json.Unmarshal(task.Payload(), &d); err != nil || d.OrgID <= 0 || d.Key == "" {
		return fmt.Errorf("remind: deliver: bad payload: %w", asynq.SkipRetry)
	}
	_, err := t.Service.Deliver(ctx, d)
	return err
}
