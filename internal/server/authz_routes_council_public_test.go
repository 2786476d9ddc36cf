package server_test

import (
	"context"
	"testing"

	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/org"
)

// routeRowsCouncilPublic are the route walk's rows for the council routes of
// internal/web/council_public.go (see councilFixture for the path's ids).
// On public paths :meeting is a meeting with its agenda published
// (publicMeetingForWalk) and :item an item of it with an attachment: its
// page, event, agenda and attachment answer, its minutes (none published)
// do not.
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
		m + "/items/:item/attachments/:file": {anon: 200},
	}
}

// publicMeetingForWalk publishes later's agenda, for the public paths.
func publicMeetingForWalk(t *testing.T, svc *council.Service, o *org.Organisation, councilID int64, later *council.Meeting) *council.Meeting {
	t.Helper()
	m, err := svc.PublishAgenda(context.Background(), o, councilID, later.ID)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
