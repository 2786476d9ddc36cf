package workbook_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samvirke/samvirke/internal/app"
	"github.com/samvirke/samvirke/internal/document/doctest"
	"github.com/samvirke/samvirke/internal/org"
	"github.com/samvirke/samvirke/internal/webtest"
	"github.com/samvirke/samvirke/internal/workbook"
	"github.com/samvirke/samvirke/internal/workbook/workbooktest"
)

// TestGatheringExportDocuments: the coordinator downloads the gathering
// view as PDF and as Word; both name the file for the statement, carry
// their content type, and read back every municipality's shared answer
// with æøå «» § intact (issue 11, acceptance 5).
func TestGatheringExportDocuments(t *testing.T) {
	t.Parallel()
	r := webtest.New(t, webtest.Options{})
	network := r.Org(org.KindNetwork)
	coord := r.User(network, "coordinator")
	answers := map[string]string{
		"Åfjord kommune": "Flytskjema for «innvandrerreisen» etter § 37: æøå ÆØÅ",
		"Meldal kommune": "Språkkafé «Prat på lørdag» på biblioteket, jf. § 4",
		"Västerås stad":  "Vi kartlägger «språkvägen» för nyanlända, äö ÄÖ",
		"Ærø Kommune":    "Ønsker «sprogcafé» i Ærøskøbing; § 5 i integrationsloven",
	}
	members := map[int64]*org.Organisation{}
	for name := range answers {
		m := r.Org(org.KindMunicipality, func(o *org.Organisation) { o.Name = name })
		r.Join(network, m, webtest.Since2016)
		members[m.ID] = m
	}
	ctx := context.Background()
	tmpl, books := workbooktest.Publish(t, r.Workbooks, network, "2016–2017", "«Innvandrerreisen»")
	stmt := tmpl.Chapters[0].Statements[0].ID
	for _, b := range books {
		o := members[b.OrgID]
		if _, err := r.Workbooks.SaveEntry(ctx, o, &app.Actor{Name: "Koordinator"}, workbook.Save{WorkbookID: b.ID, StatementID: stmt,
			Content: workbook.Content{Answers: map[string]string{"analysis": answers[o.Name]}}, Visibility: workbook.VisibilityNetwork}); err != nil {
			t.Fatal(err)
		}
	}
	c := r.Client(coord)
	base := fmt.Sprintf("%s/o/%s/templates/%d/statements/%d/gathering/export/", r.URL, network.Slug, tmpl.ID, stmt)
	for _, tc := range []struct {
		format, ctype string
		text          func(*testing.T, []byte) string
	}{
		{"pdf", "application/pdf", func(t *testing.T, b []byte) string { return doctest.PDFText(t, b).Text }},
		{"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", func(t *testing.T, b []byte) string { return doctest.DOCXText(t, b).Text }},
	} {
		t.Run(tc.format, func(t *testing.T) {
			req, _ := http.NewRequest("GET", base+tc.format, nil)
			resp := c.Do(req)
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != tc.ctype {
				t.Fatalf("status %d, type %q; want 200, %q", resp.StatusCode, resp.Header.Get("Content-Type"), tc.ctype)
			}
			// The file name says network, chapter and day, in UTF-8.
			want := url.PathEscape(fmt.Sprintf("%s – %s – %s.%s", network.Name, tmpl.Chapters[0].Title, time.Now().UTC().Format(time.DateOnly), tc.format))
			if cd := resp.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment; filename=") || !strings.Contains(cd, "filename*=UTF-8''"+want) {
				t.Errorf("Content-Disposition = %q, want the name %q", cd, want)
			}
			text := tc.text(t, body)
			for name, answer := range answers {
				if !strings.Contains(text, name) || !strings.Contains(text, answer) {
					t.Errorf("%s lacks %s's answer %q", tc.format, name, answer)
				}
			}
		})
	}
}
