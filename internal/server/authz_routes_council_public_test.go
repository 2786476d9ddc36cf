package server_test

import (
	"context"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/org"
)

// routeRowsCouncilPublic are the route walk's rows for the council routes of
// internal/web/council_public.go (see councilFixture for the path's ids).
// On public paths :meeting is a meeting with its agenda published
// (publicMeetingForWalk): its page, event and agenda answer, its minutes
// (none published) do not, and :item is another meeting's.
func routeRowsCouncilPublic() map[string]expectation {
	const m = "GET /p/:org/councils/:council/meetings/:meeting"
	return map[string]expectation{
		"GET /p/:org/councils":                       {anon: 200},
		"GET /p/:org/councils/:council":              {anon: 200},
		"GET /p/:org/councils/:council/calendar.ics": {anon: 200},
		m:                                    {anon: 200},
		m + "/event.ics":                     {anon: 200},
		m + "/agenda.pdf":                    {anon: 200},
		m + "/minutes.pdf":                   {anon: 404},
		m + "/items/:item/attachments/:file": {anon: 404},
	}
}

// publicMeetingForWalk answers the meeting a request of path acts on:
// held, or, on a public council path, later with its agenda published.
func publicMeetingForWalk(t *testing.T, svc *council.Service, o *org.Organisation, councilID int64, held, later *council.Meeting, path string) *council.Meeting {
	t.Helper()
	if !strings.HasPrefix(path, "/p/") {
		return held
	}
	m, err := svc.PublishAgenda(context.Background(), o, councilID, later.ID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
