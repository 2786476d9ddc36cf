package remind

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/hibiken/asynq"
	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/db"
	"github.com/samvirke/samvirke/internal/due"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/queue"
)

// Task types.
const (
	TypePlan    = "remind:plan"    // an organisation's hour: plan its day's reminders
	TypeDeliver = "remind:deliver" // one reminder or escalation to one person
)

// Delivery is one reminder or escalation to one person: the payload of a
// TypeDeliver task. It carries what the message says, so delivering reads
// no capability's tables.
type Delivery struct {
	OrgID           int64     `json:"org"`
	Slug            string    `json:"slug"`
	Key             string    `json:"key"`
	Kind            string    `json:"kind"`
	ItemKey         string    `json:"item"`
	Rule            string    `json:"rule"`
	On              time.Time `json:"on"`
	UserID          int64     `json:"user"`
	ForUserID       int64     `json:"for,omitempty"` // the responsible a delegate stands in for
	Title           string    `json:"title"`
	Context         string    `json:"context,omitempty"`
	URL             string    `json:"url"`
	Due             time.Time `json:"due"`
	DueText         string    `json:"due_text,omitempty"`
	Days            int       `json:"days"`
	Source          string    `json:"source"`
	Status          string    `json:"status,omitempty"`
	ResponsibleName string    `json:"responsible,omitempty"` // the responsible's name, in escalations
}

// TaskID is the delivery's asynq task id: the same for the same send, so
// a plan made twice enqueues it once while the first is kept.
func (d Delivery) TaskID() string {
	h := sha256.Sum256([]byte(d.Key))
	return "remind:" + strconv.FormatInt(d.OrgID, 10) + ":" + hex.EncodeToString(h[:16])
}

// PlanPayload names an organisation and the instant its hour struck.
type PlanPayload struct {
	OrgID int64     `json:"org"`
	At    time.Time `json:"at"`
	// Force plans whatever the hour (a command, a test); otherwise the
	// plan runs only in the organisation's send hour.
	Force bool `json:"force,omitempty"`
}

// Plan decides the reminders and escalations of the organisation's day
// (day is its local date) that the send log does not hold yet and
// enqueues one delivery task each. It answers how many it planned. On a
// day off it plans nothing: those days' reminders go out with the next
// working day's. Planning the same day again enqueues only what was not
// sent (a queue lost with its tasks, a worker down at the send hour).
func (s *Service) Plan(ctx context.Context, orgID int64, day time.Time) (int, error) {
	ds, err := s.Deliveries(ctx, orgID, day)
	if err != nil {
		return 0, err
	}
	if ds, err = s.unsent(ctx, orgID, ds); err != nil {
		return 0, err
	}
	return len(ds), s.enqueue(ctx, ds)
}

// unsent answers the deliveries of ds whose keys the send log does not
// hold.
func (s *Service) unsent(ctx context.Context, orgID int64, ds []Delivery) ([]Delivery, error) {
	if len(ds) == 0 {
		return ds, nil
	}
	sent := map[string]bool{}
	err := db.Run(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		for i := 0; i < len(ds); i += 500 {
			keys := make([]string, 0, 500)
			for _, d := range ds[i:min(i+500, len(ds))] {
				keys = append(keys, d.Key)
			}
			var got []string
			if err := idb.NewSelect().TableExpr("reminder_sends").Column("key").
				Where("org_id = ? AND key IN (?)", orgID, bun.In(keys)).Scan(ctx, &got); err != nil {
				return err
			}
			for _, k := range got {
				sent[k] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("remind: send log: %w", err)
	}
	out := ds[:0:0]
	for _, d := range ds {
		if !sent[d.Key] {
			out = append(out, d)
		}
	}
	return out, nil
}

// Deliveries answers what Plan would enqueue.
func (s *Service) Deliveries(ctx context.Context, orgID int64, day time.Time) ([]Delivery, error) {
	day = Day(day)
	var out []Delivery
	err := db.Run(ctx, s.DB, db.OrgScope(orgID), func(ctx context.Context, idb bun.IDB) error {
		o, err := org.FindOrganisationByID(ctx, idb, orgID)
		if err != nil {
			return err
		}
		set, err := LoadSettings(ctx, idb, orgID)
		if err != nil {
			return err
		}
		closures, err := Closures(ctx, idb, orgID)
		if err != nil {
			return err
		}
		window := NewCalendar(o.Country, closures).Window(day)
		if len(window) == 0 {
			return nil
		}
		lookAhead := 0
		if b := set.Before(); len(b) > 0 {
			lookAhead = b[0]
		}
		items, err := s.Due.Items(ctx, idb, due.Query{OrgID: orgID, OrgSlug: o.Slug, OpenOnly: true, Until: day.AddDate(0, 0, lookAhead+1)})
		if err != nil {
			return err
		}
		people, err := s.people(ctx, idb, orgID, day)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.Key == "" || it.ResponsibleID == 0 {
				continue
			}
			// One message per item and audience a day: the latest rule
			// that fired in the window (a weekend's «3 days before» and
			// Monday's «due today» make one reminder), saying how far
			// the deadline is from the day it is sent.
			told := map[bool]bool{}
			for _, oc := range set.Fire(it, window) {
				if told[oc.Escalation] {
					continue
				}
				told[oc.Escalation] = true
				d := Delivery{OrgID: orgID, Slug: o.Slug, Kind: KindReminder, ItemKey: it.Key, Rule: oc.Rule, On: oc.On,
					Title: it.Title, Context: it.Context, URL: it.URL, Due: Day(it.Due), DueText: it.DueText,
					Days: int(Day(it.Due).Sub(day).Hours() / 24), Source: it.Source, Status: it.Status}
				if !oc.Escalation {
					d.UserID = it.ResponsibleID
					if del, ok := people.delegates[it.ResponsibleID]; ok {
						d.UserID, d.ForUserID = del, it.ResponsibleID
					}
					d.Key = sendKey(d)
					out = append(out, d)
					continue
				}
				d.Kind = KindEscalation
				d.ResponsibleName = people.names[it.ResponsibleID]
				for _, e := range people.escalateTo(it) {
					if e == it.ResponsibleID {
						continue
					}
					d.UserID = e
					d.Key = sendKey(d)
					out = append(out, d)
				}
			}
		}
		return nil
	})
	return out, err
}

// sendKey is the send log's key of d: item, rule, occurrence, recipient.
func sendKey(d Delivery) string {
	return fmt.Sprintf("%s|%s|%s|u%d", d.ItemKey, d.Rule, d.On.Format(time.DateOnly), d.UserID)
}

// people are what planning needs to know of an organisation's members.
type people struct {
	delegates map[int64]int64 // away today → their delegate
	names     map[int64]string
	editors   []int64 // escalations go to them; admins and owners when none
}

func (p people) escalateTo(it due.Item) []int64 {
	if id, err := strconv.ParseInt(it.EscalateTo, 10, 64); err == nil && id > 0 {
		return []int64{id}
	}
	return p.editors
}

func (s *Service) people(ctx context.Context, idb bun.IDB, orgID int64, day time.Time) (people, error) {
	p := people{delegates: map[int64]int64{}, names: map[int64]string{}}
	var members []struct {
		UserID int64
		Role   string
		Name   string
		Email  string
	}
	if err := idb.NewRaw(`SELECT m.user_id, m.role, u.name, u.email FROM memberships AS m JOIN users AS u ON u.id = m.user_id WHERE m.org_id = ? AND u.disabled_at IS NULL ORDER BY m.user_id`, orgID).Scan(ctx, &members); err != nil {
		return p, err
	}
	var admins []int64
	for _, m := range members {
		p.names[m.UserID] = m.Name
		if p.names[m.UserID] == "" {
			p.names[m.UserID] = m.Email
		}
		switch m.Role {
		case "editor":
			p.editors = append(p.editors, m.UserID)
		case "admin", "owner":
			admins = append(admins, m.UserID)
		}
	}
	if len(p.editors) == 0 {
		p.editors = admins
	}
	var away []struct {
		UserID     int64
		DelegateID *int64
	}
	if err := idb.NewRaw(`SELECT user_id, delegate_id FROM absences WHERE org_id = ? AND starts <= ? AND ends >= ? ORDER BY id`,
		orgID, day, day).Scan(ctx, &away); err != nil {
		return p, err
	}
	for _, a := range away {
		if a.DelegateID != nil && *a.DelegateID != a.UserID {
			if _, member := p.names[*a.DelegateID]; member {
				p.delegates[a.UserID] = *a.DelegateID
			}
		}
	}
	return p, nil
}

// enqueue hands the deliveries to the queue, several at a time. A task
// still queued with the same id (planned before) is not queued again.
func (s *Service) enqueue(ctx context.Context, ds []Delivery) error {
	n := s.Enqueuers
	if n <= 0 {
		n = 8
	}
	work := make(chan Delivery)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var first error
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for d := range work {
				if err := s.enqueueOne(ctx, d); err != nil {
					mu.Lock()
					if first == nil {
						first = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for _, d := range ds {
		mu.Lock()
		stop := first != nil
		mu.Unlock()
		if stop {
			break
		}
		work <- d
	}
	close(work)
	wg.Wait()
	return first
}

func (s *Service) enqueueOne(ctx context.Context, d Delivery) error {
	b, err := json.Marshal(d)
	if err != nil {
		return err
	}
	_, err = s.Queue.EnqueueContext(ctx, asynq.NewTask(TypeDeliver, b), asynq.TaskID(d.TaskID()), asynq.Queue(queue.Default),
		asynq.MaxRetry(10), asynq.Timeout(time.Minute))
	if err != nil && !errors.Is(err, asynq.ErrTaskIDConflict) {
		return fmt.Errorf("remind: enqueue %s: %w", d.Key, err)
	}
	return nil
}
