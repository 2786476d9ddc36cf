package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/samvirke/samvirke/internal/account"
	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/queue"
)

// The platform operators' pages: the task queues every organisation's
// background work runs on (asynq's Inspector), with retry and delete.

func (s *Server) opsRoutes() {
	s.operator("GET", "/ops/queues", s.handleOpsQueues)
	s.operator("POST", "/ops/queues/:queue/tasks/:task/retry", s.handleOpsTaskRetry)
	s.operator("POST", "/ops/queues/:queue/tasks/:task/delete", s.handleOpsTaskDelete)
}

// requireOperator lets only the configured operators through; to anyone
// else the page does not exist.
func (s *Server) requireOperator(c *gin.Context) {
	if !s.isOperator(c) {
		s.writeError(c, app.Errorf(app.ENotFound, "error.not_found.text"))
		return
	}
	c.Next()
}

func (s *Server) isOperator(c *gin.Context) bool {
	v, ok := c.Get(ctxUser)
	if !ok {
		return false
	}
	email := account.NormalizeEmail(v.(*account.User).Email)
	return email != "" && slices.ContainsFunc(s.Operators, func(op string) bool { return account.NormalizeEmail(op) == email })
}

type opsQueuesPage struct {
	Layout
	Available bool // the queue is reachable from this process
	Queues    []queue.QueueStats
	States    []string
	// The listing asked for (?queue=&state=), if any.
	Queue, State string
	Tasks        []queue.TaskSummary
	PageNo       int
	Prev, Next   string // links to the neighbouring pages; "" = none
}

func (s *Server) handleOpsQueues(c *gin.Context) error {
	ctx := c.Request.Context()
	loc := s.locale(c)
	data := &opsQueuesPage{States: queue.States, Available: s.Queues != nil}
	data.Layout = Layout{Nav: "ops", Breadcrumbs: []Crumb{{Label: s.Catalog.T(loc, "ops.queues.title")}}}
	if s.Queues == nil {
		s.render(c, http.StatusOK, "ops/queues.html", data)
		return nil
	}
	stats, err := s.Queues.Stats(ctx)
	if err != nil {
		return err
	}
	data.Queues = stats
	qn, state := c.Query("queue"), c.Query("state")
	if qn != "" || state != "" {
		if !slices.Contains(queue.States, state) || !s.Queues.KnownQueue(qn) {
			return app.Errorf(app.ENotFound, "error.not_found.text")
		}
		page, _ := strconv.Atoi(c.Query("page"))
		if page < 1 || page > 10000 {
			page = 1
		}
		tasks, next, err := s.Queues.Tasks(ctx, qn, state, page)
		if err != nil {
			return err
		}
		data.Queue, data.State, data.Tasks, data.PageNo = qn, state, tasks, page
		link := func(p int) string {
			return "/ops/queues?" + url.Values{"queue": {qn}, "state": {state}, "page": {strconv.Itoa(p)}}.Encode()
		}
		if page > 1 {
			data.Prev = link(page - 1)
		}
		if next {
			data.Next = link(page + 1)
		}
	}
	s.render(c, http.StatusOK, "ops/queues.html", data)
	return nil
}

func (s *Server) handleOpsTaskRetry(c *gin.Context) error { return s.opsTaskAction(c, "retry") }

func (s *Server) handleOpsTaskDelete(c *gin.Context) error { return s.opsTaskAction(c, "delete") }

// opsTaskAction retries or deletes a task and goes back to the listing it
// was done from.
func (s *Server) opsTaskAction(c *gin.Context, what string) error {
	qn, id := c.Param("queue"), c.Param("task")
	if s.Queues == nil || !s.Queues.KnownQueue(qn) || len(id) > 200 {
		return app.Errorf(app.ENotFound, "error.not_found.text")
	}
	act := s.Queues.RetryTask
	if what == "delete" {
		act = s.Queues.DeleteTask
	}
	err := act(c.Request.Context(), qn, id)
	switch {
	case errors.Is(err, queue.ErrNoTask):
		s.setFlash(c, "ops.task.gone")
	case errors.Is(err, queue.ErrTaskRunning):
		s.setFlash(c, "ops.task.running")
	case err != nil:
		return err
	default:
		s.setFlash(c, map[string]string{"retry": "ops.task.retried", "delete": "ops.task.deleted"}[what], "task", id)
		s.Logger.Info("operator acted on a task", "action", what, "queue", qn, "task", id, "operator", app.ActorFrom(c.Request.Context()).UserID)
	}
	back := "/ops/queues"
	if st := c.PostForm("state"); slices.Contains(queue.States, st) {
		back += "?" + url.Values{"queue": {qn}, "state": {st}}.Encode()
	}
	c.Redirect(http.StatusSeeOther, back)
	return nil
}
