package council_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
)

// TestApprovalAtNextMeetingPage: Trysil's steering group approves its
// minutes at the next meeting; that meeting's page lists the earlier
// minutes not yet approved, and its form records the approval with the
// item that gave it.
func TestApprovalAtNextMeetingPage(t *testing.T) {
	r := webtest.New(t, webtest.Options{})
	o := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Locale, o.TimeZone = "nb", "Europe/Oslo" })
	sec := r.User(o, "secretary")
	ctx := context.Background()
	g, err := r.Councils.Create(ctx, o, council.CouncilInput{Kind: council.KindSteeringGroup, Name: "Styringsgruppe", SignOff: council.SignOffNextMeeting})
	if err != nil {
		t.Fatal(err)
	}
	loc, _ := time.LoadLocation("Europe/Oslo")
	first, err := r.Councils.CreateMeeting(ctx, o, g.ID, council.MeetingInput{StartsAt: time.Date(2018, 6, 27, 9, 0, 0, 0, loc)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Councils.MarkHeld(ctx, o, nil, g.ID, first.ID); err != nil {
		t.Fatal(err)
	}
	next, err := r.Councils.CreateMeeting(ctx, o, g.ID, council.MeetingInput{StartsAt: time.Date(2018, 9, 14, 9, 0, 0, 0, loc)})
	if err != nil {
		t.Fatal(err)
	}
	sc := r.Client(sec)
	firstURL, nextURL := "/o/"+o.Slug+"/"+first.Path(), "/o/"+o.Slug+"/"+next.Path()
	code, page := sc.Get(nextURL)
	if code != 200 || !strings.Contains(page, `<form method="post" action="`+firstURL+`/minutes/approve" novalidate>`) ||
		!strings.Contains(page, `name="at_meeting" value="`+strconv.FormatInt(next.ID, 10)+`"`) || !strings.Contains(page, "Protokoller til godkjenning i dette møtet") {
		t.Fatalf("the next meeting's page (%d) offers no approval of the earlier minutes", code)
	}
	if code, _ := sc.Post(firstURL+"/minutes/approve", url.Values{"at_meeting": {strconv.FormatInt(next.ID, 10)}, "ref": {"Sak 1/2018"}}); code != 303 {
		t.Fatalf("approving at the next meeting: %d", code)
	}
	if _, page := sc.Get(firstURL); !strings.Contains(page, "2018-09-14, Sak 1/2018") {
		t.Error("the earlier meeting's minutes do not say which meeting and item approved them")
	}
	if _, page := sc.Get(nextURL); strings.Contains(page, "Protokoller til godkjenning i dette møtet") {
		t.Error("approved minutes are still offered for approval")
	}
}
