package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/samvirke/samvirke/internal/dbtest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/server"
	"github.com/samvirke/samvirke/internal/server/servertest"
	"github.com/samvirke/samvirke/internal/survey"
)

// surveyAPIAxis is an axis score as the API answers it.
type surveyAPIAxis struct {
	Key      string   `json:"key"`
	Mean     *float64 `json:"mean"`
	Answered int      `json:"answered"`
	Good     int      `json:"good"`
}

// surveyAPIRound is the part of a round's answer the test reads.
type surveyAPIRound struct {
	Respondents int `json:"respondents"`
	Rose        struct {
		Respondents int             `json:"respondents"`
		Axes        []surveyAPIAxis `json:"axes"`
	} `json:"rose"`
	LowAxes []string `json:"low_axes"`
	Links   struct {
		Made int `json:"made"`
		Used int `json:"used"`
	} `json:"links"`
	Network *struct {
		Municipalities int             `json:"municipalities"`
		Rose           json.RawMessage `json:"rose"`
	} `json:"network"`
}

// mustQuestionnaire makes an active questionnaire of owner from the
// standard content.
func mustQuestionnaire(t *testing.T, svc *survey.Service, owner *org.Organisation) *survey.Questionnaire {
	t.Helper()
	ctx := context.Background()
	q, err := svc.CreateQuestionnaire(ctx, owner, survey.QuestionnaireInput{Title: "Integreringsrosa", Language: "nb", Standard: true})
	if err != nil {
		t.Fatal(err)
	}
	if q, err = svc.SetStatus(ctx, owner, q.ID, survey.StatusActive); err != nil {
		t.Fatal(err)
	}
	return q
}

// mustSurveyRound opens a round of q in muni this year and enters the
// answers as interviews.
func mustSurveyRound(t *testing.T, svc *survey.Service, q *survey.Questionnaire, muni *org.Organisation, answers ...map[string]string) *survey.Round {
	t.Helper()
	ctx := context.Background()
	r, err := svc.OpenRound(ctx, muni, survey.RoundInput{QuestionnaireOrgID: q.OrgID, QuestionnaireID: q.ID,
		Title: "Runde «2026»", Year: time.Now().Year()})
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range answers {
		if err := svc.Interview(ctx, muni, r.ID, survey.Answers{Values: a, Consent: true}); err != nil {
			t.Fatal(err)
		}
	}
	return r
}

// TestSurveyAPI: a round read with an API token answers the axis means of
// the answers entered, its low axes and link counts, and neither the free
// text nor a link's token; another municipality's token gets 404 for the
// round, in its own organisation and in the round's. A network's results
// give members with fewer respondents than the threshold only their
// status, and a member's round gives no network rose that would hold a
// peer's few answers; a year that is no year is refused as the API
// refuses any parameter.
func TestSurveyAPI(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	r := servertest.Open(t, servertest.NewEnv(t).Config(), server.ModeWeb)
	network := dbtest.MustCreateOrg(t, r.DB, org.KindNetwork)
	muni := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	other := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	peer := dbtest.MustCreateOrg(t, r.DB, org.KindMunicipality)
	for _, m := range []*org.Organisation{muni, peer} {
		dbtest.MustJoinNetwork(t, r.DB, network, m, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{})
	}
	viewer, _ := dbtest.MustCreateUser(t, r.DB, muni, "viewer")
	stranger, _ := dbtest.MustCreateUser(t, r.DB, other, "owner")
	coordinator, _ := dbtest.MustCreateUser(t, r.DB, network, "coordinator")
	r.Authz.Reload()
	const secret = "hemmelig fritekst æøå"
	round := mustSurveyRound(t, r.Surveys, mustQuestionnaire(t, r.Surveys, muni), muni,
		map[string]string{"job": "4", "skills": "2", "home": "5", "welcome": "3", "wish": secret},
		map[string]string{"job": "5", "home": "3", "neighbourhood": "4", "welcome": "1", "respect": "2"},
		map[string]string{"wish": "Mer " + secret})
	tokens, err := r.Surveys.MakeLinks(ctx, muni, round.ID, 2)
	if err != nil {
		t.Fatal(err)
	}
	netQ := mustQuestionnaire(t, r.Surveys, network)
	netRound := mustSurveyRound(t, r.Surveys, netQ, muni, map[string]string{"job": "5"}, map[string]string{"job": "2"})
	mustSurveyRound(t, r.Surveys, netQ, peer, map[string]string{"job": "3"}, map[string]string{"job": "4"}, map[string]string{"home": "4"})
	token := func(o *org.Organisation, userID int64) string {
		tok, _, err := r.Accounts.CreateAPIToken(ctx, o, userID, "Fagsystem", "read")
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	own, strange, coord := tokenClient(token(muni, viewer.ID)), tokenClient(token(other, stranger.ID)), tokenClient(token(network, coordinator.ID))
	r.Run(t)
	api := r.URL() + "/api/v1/orgs/"

	t.Run("OK", func(t *testing.T) {
		code, body := send(t, own, "GET", fmt.Sprintf("%s%s/surveys/rounds/%d", api, muni.Slug, round.ID), nil)
		if code != 200 {
			t.Fatalf("round: %d %.300s", code, body)
		}
		for _, hidden := range append([]string{"hemmelig", "fritekst", tokens[0], survey.HashToken(tokens[0])}, tokens[1:]...) {
			if strings.Contains(body, hidden) {
				t.Errorf("the round's answer contains %q", hidden)
			}
		}
		var got surveyAPIRound
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		mean := func(v float64) *float64 { return &v }
		want := []surveyAPIAxis{
			{Key: "attitudes", Mean: mean(2.25), Answered: 2}, // 3 and (1+2)/2
			{Key: "language"},
			{Key: "work", Mean: mean(4), Answered: 2, Good: 1},       // (4+2)/2 and 5
			{Key: "housing", Mean: mean(4.25), Answered: 2, Good: 1}, // 5 and (3+4)/2
			{Key: "leisure"},
		}
		if diff := cmp.Diff(want, got.Rose.Axes); diff != "" {
			t.Errorf("axes (-want +got):\n%s", diff)
		}
		if got.Respondents != 3 || got.Rose.Respondents != 3 || !cmp.Equal(got.LowAxes, []string{"attitudes"}) ||
			got.Links.Made != 2 || got.Links.Used != 0 || got.Network != nil {
			t.Errorf("round: %+v; want 3 respondents, low axis attitudes, 2 links made, none used, no network", got)
		}
		code, body = send(t, own, "GET", fmt.Sprintf("%s%s/surveys", api, muni.Slug), nil)
		if code != 200 || !strings.Contains(body, `"respondents":3`) || !strings.Contains(body, `"owner":{"slug":"`+network.Slug) {
			t.Errorf("list: %d %.500s; want the round's 3 respondents and the network's questionnaire", code, body)
		}
		code, body = send(t, own, "GET", fmt.Sprintf("%s%s/surveys/questionnaires/%d", api, muni.Slug, round.QuestionnaireID), nil)
		if code != 200 || !strings.Contains(body, `"Helt enig"`) || !strings.Contains(body, `"key":"work"`) {
			t.Errorf("questionnaire: %d %.300s; want its content", code, body)
		}
	})

	t.Run("ErrOtherOrg", func(t *testing.T) {
		for _, slug := range []string{muni.Slug, other.Slug} {
			code, body := send(t, strange, "GET", fmt.Sprintf("%s%s/surveys/rounds/%d", api, slug, round.ID), nil)
			if code != 404 || !strings.Contains(body, `"code":"not_found"`) {
				t.Errorf("another municipality's token, in %s: %d %.200s; want 404 problem details", slug, code, body)
			}
		}
		code, _ := send(t, strange, "GET", fmt.Sprintf("%s%s/surveys/questionnaires/%d", api, other.Slug, round.QuestionnaireID), nil)
		if code != 404 {
			t.Errorf("another municipality's questionnaire: %d; want 404", code)
		}
	})

	t.Run("NetworkProtected", func(t *testing.T) {
		code, body := send(t, coord, "GET", fmt.Sprintf("%s%s/surveys/questionnaires/%d/results", api, network.Slug, netQ.ID), nil)
		if code != 200 || !strings.Contains(body, `"status":"small"`) || strings.Contains(body, `"mean"`) || strings.Contains(body, `"rose"`) {
			t.Errorf("results: %d %.500s; want the members small, no rose and no mean", code, body)
		}
		code, body = send(t, own, "GET", fmt.Sprintf("%s%s/surveys/rounds/%d", api, muni.Slug, netRound.ID), nil)
		var got surveyAPIRound
		if err := json.Unmarshal([]byte(body), &got); code != 200 || err != nil || got.Network == nil || got.Network.Municipalities != 2 || got.Network.Rose != nil {
			t.Errorf("the member's round: %d %.300s; want the network named, its rose not given", code, body)
		}
	})

	t.Run("ErrInvalidYear", func(t *testing.T) {
		code, body := send(t, coord, "GET", fmt.Sprintf("%s%s/surveys/questionnaires/%d/results?year=tjuetjueseks", api, network.Slug, netQ.ID), nil)
		if code != 422 || !strings.Contains(body, `"field":"year"`) {
			t.Errorf("year=tjuetjueseks: %d %.200s; want 422 problem details naming year", code, body)
		}
	})
}
