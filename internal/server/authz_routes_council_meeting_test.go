package server_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"testing"

	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/org"
)

// meetingWriters manage meetings, agendas and minutes (authz.CouncilWrite).
var meetingWriters = []string{"owner", "editor", "secretary"}

// routeRowsCouncilMeeting are the route walk's rows for the council routes of
// internal/web/council_meeting.go (see councilFixture for the path's ids).
// Steps the fixture's minutes are not in (approving circulated minutes
// nobody signed, publishing them) answer 409 to those allowed.
func routeRowsCouncilMeeting() map[string]expectation {
	muni := org.KindMunicipality
	const m = "/o/:org/councils/:council/meetings/:meeting"
	w := func(form ...string) expectation {
		return expectation{anon: 401, roles: meetingWriters, kind: muni, form: formOf(form...)}
	}
	return map[string]expectation{
		"GET " + m:                                             {anon: 303, roles: everyone, kind: muni},
		"POST " + m:                                            w("date", "2026-10-04", "time", "16:30", "end_time", "18:00", "place", "Mødelokale «A», Rådhuset"),
		"POST " + m + "/status":                                w("action", "publish_agenda"),
		"GET " + m + "/delete":                                 {anon: 303, roles: meetingWriters, kind: muni},
		"POST " + m + "/delete":                                w(),
		"POST " + m + "/attendance":                            w(),
		"POST " + m + "/adjusters":                             w(),
		"GET " + m + "/items/new":                              {anon: 303, roles: meetingWriters, kind: muni},
		"POST " + m + "/items":                                 w("title", "Ændring i Integrationsrådet", "case_number", "15.40.00-P35-1-17"),
		"GET " + m + "/items/:item":                            {anon: 303, roles: everyone, kind: muni},
		"GET " + m + "/items/:item/edit":                       {anon: 303, roles: meetingWriters, kind: muni},
		"POST " + m + "/items/:item":                           w("title", "Valg af formand", "hearing_body_0", "Social- og Sundhedsudvalget", "hearing_date_0", "2018-06-12"),
		"POST " + m + "/items/:item/move":                      w("dir", "up"),
		"POST " + m + "/items/:item/remove":                    w(),
		"POST " + m + "/items/:item/attachments":               w("title", "Bilag uden fil"),
		"GET " + m + "/items/:item/attachments/:file":          {anon: 303, roles: everyone, kind: muni},
		"POST " + m + "/items/:item/attachments/:file/remove":  w(),
		"POST " + m + "/items/:item/followups":                 w("description", "Afklare frivillige tolke", "responsible", "Jobcenterchef", "deadline", "efteråret 2026"),
		"POST " + m + "/items/:item/followups/:measure/remove": w(),
		"POST " + m + "/minutes/circulate":                     w(),
		"POST " + m + "/minutes/approve":                       w(),
		"POST " + m + "/minutes/publish":                       w(),
		"POST " + m + "/minutes/correct":                       w("reason", "Beslutningen var gengivet forkert."),
		"POST " + m + "/minutes/comment":                       {anon: 401, roles: everyone, kind: muni, form: formOf("comment", "Punkt 2: «Stedfortræder» staves med æ.")},
		"POST " + m + "/minutes/sign":                          {anon: 401, roles: everyone, kind: muni},
		"GET " + m + "/minutes/:version":                       {anon: 303, roles: everyone, kind: muni},
	}
}

// councilMeetingFile answers the :file of path: a PDF attached to item
// itemID when the path names a file (and the walked program's store is
// known), else an id that finds nothing.
func councilMeetingFile(t *testing.T, svc *council.Service, o *org.Organisation, path string, councilID, meetingID, itemID int64) string {
	t.Helper()
	if svc == nil || !strings.Contains(path, ":file") {
		return "999999999"
	}
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	att, err := svc.Attach(context.Background(), o, nil, councilID, meetingID, itemID, "Retningslinjer for § 18-midler", "retningslinjer.pdf", bytes.NewReader(pdf))
	if err != nil {
		t.Fatal(err)
	}
	return strconv.FormatInt(att.FileID, 10)
}
