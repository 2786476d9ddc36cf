package queue

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/hibiken/asynq"
)

// Task states an operator can list.
const (
	StatePending   = "pending"
	StateActive    = "active"
	StateScheduled = "scheduled"
	StateRetry     = "retry"
	StateArchived  = "archived"
)

// States are the task states in the order the operators' page shows them.
var States = []string{StatePending, StateActive, StateScheduled, StateRetry, StateArchived}

// AdminPageSize is how many tasks one page of a listing holds.
const AdminPageSize = 50

// ErrNoTask answers an operation on a task that is not (or no longer) in
// the queue and state named; ErrTaskRunning one on a task a worker is
// running at that moment.
var (
	ErrNoTask      = errors.New("queue: no such task")
	ErrTaskRunning = errors.New("queue: the task is running")
)

// QueueStats is one queue's counts, for the operators' page.
type QueueStats struct {
	Name                                        string
	Pending, Active, Scheduled, Retry, Archived int
	ProcessedToday, FailedToday                 int
	Latency                                     time.Duration // of the oldest pending task
	Paused                                      bool
}

// TaskSummary is one task as the operators' page lists it.
type TaskSummary struct {
	ID, Queue, Type, State string
	Payload                string // at most 200 bytes of it
	Retried, MaxRetry      int
	LastError              string
	LastFailedAt           time.Time // zero: never failed
	NextProcessAt          time.Time // zero: not scheduled
}

// Stats answers the counts of the product's queues (and of any other
// queue the server knows), critical first.
func (q *Queue) Stats(ctx context.Context) ([]QueueStats, error) {
	names := []string{Critical, Default, Low}
	known, err := q.Inspector.Queues()
	if err != nil {
		return nil, fmt.Errorf("queue: list queues: %w", err)
	}
	for _, n := range known {
		if !slices.Contains(names, n) {
			names = append(names, n)
		}
	}
	out := make([]QueueStats, 0, len(names))
	for _, n := range names {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if !slices.Contains(known, n) { // never used yet: nothing in it
			out = append(out, QueueStats{Name: n})
			continue
		}
		qi, err := q.Inspector.GetQueueInfo(n)
		if err != nil {
			return nil, fmt.Errorf("queue: %s: %w", n, err)
		}
		out = append(out, QueueStats{Name: n, Pending: qi.Pending, Active: qi.Active, Scheduled: qi.Scheduled,
			Retry: qi.Retry, Archived: qi.Archived, ProcessedToday: qi.Processed, FailedToday: qi.Failed,
			Latency: qi.Latency, Paused: qi.Paused})
	}
	return out, nil
}

// KnownQueue reports whether name is one of the queues Stats lists.
func (q *Queue) KnownQueue(name string) bool {
	if slices.Contains([]string{Critical, Default, Low}, name) {
		return true
	}
	known, err := q.Inspector.Queues()
	return err == nil && slices.Contains(known, name)
}

// Tasks answers page (from 1) of the tasks of queue in state, and whether
// there is a next page.
func (q *Queue) Tasks(ctx context.Context, queue, state string, page int) ([]TaskSummary, bool, error) {
	if page < 1 {
		page = 1
	}
	opts := []asynq.ListOption{asynq.PageSize(AdminPageSize), asynq.Page(page)}
	var list func(string, ...asynq.ListOption) ([]*asynq.TaskInfo, error)
	switch state {
	case StatePending:
		list = q.Inspector.ListPendingTasks
	case StateActive:
		list = q.Inspector.ListActiveTasks
	case StateScheduled:
		list = q.Inspector.ListScheduledTasks
	case StateRetry:
		list = q.Inspector.ListRetryTasks
	case StateArchived:
		list = q.Inspector.ListArchivedTasks
	default:
		return nil, false, fmt.Errorf("queue: unknown state %q", state)
	}
	if err := ctx.Err(); err != nil {
		return nil, false, err
	}
	infos, err := list(queue, opts...)
	if errors.Is(err, asynq.ErrQueueNotFound) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("queue: list %s %s: %w", queue, state, err)
	}
	next := false
	if len(infos) == AdminPageSize {
		more, err := list(queue, asynq.PageSize(AdminPageSize), asynq.Page(page+1))
		next = err == nil && len(more) > 0
	}
	out := make([]TaskSummary, 0, len(infos))
	for _, ti := range infos {
		p := ti.Payload
		if len(p) > 200 {
			p = p[:200]
		}
		out = append(out, TaskSummary{ID: ti.ID, Queue: ti.Queue, Type: ti.Type, State: state, Payload: string(p),
			Retried: ti.Retried, MaxRetry: ti.MaxRetry, LastError: ti.LastErr, LastFailedAt: ti.LastFailedAt,
			NextProcessAt: ti.NextProcessAt})
	}
	return out, next, nil
}

// BeforeRetry registers what must be reset before an operator runs a
// task of type typ again (a message that ran out of attempts made
// sendable), given the task's payload. Register at start-up.
func (q *Queue) BeforeRetry(typ string, fn func(ctx context.Context, payload []byte) error) {
	if q.beforeRetry == nil {
		q.beforeRetry = map[string]func(context.Context, []byte) error{}
	}
	q.beforeRetry[typ] = fn
}

// RetryTask runs a scheduled, retry or archived task now, after its
// type's BeforeRetry hook.
func (q *Queue) RetryTask(ctx context.Context, queue, id string) error {
	ti, err := q.Inspector.GetTaskInfo(queue, id)
	if err != nil {
		return taskErr(err)
	}
	if fn := q.beforeRetry[ti.Type]; fn != nil {
		if err := fn(ctx, ti.Payload); err != nil {
			return fmt.Errorf("queue: before retrying %s: %w", ti.Type, err)
		}
	}
	return taskErr(q.Inspector.RunTask(queue, id))
}

// DeleteTask removes a task that is not running.
func (q *Queue) DeleteTask(ctx context.Context, queue, id string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	return taskErr(q.Inspector.DeleteTask(queue, id))
}

func taskErr(err error) error {
	switch {
	case errors.Is(err, asynq.ErrTaskNotFound) || errors.Is(err, asynq.ErrQueueNotFound):
		return ErrNoTask
	case err != nil && strings.Contains(err.Error(), "FAILED_PRECONDITION"):
		// asynq refuses to delete or run a task in the active state (it
		// has no sentinel for it): a worker took it in the meantime.
		return ErrTaskRunning
	}
	return err
}
