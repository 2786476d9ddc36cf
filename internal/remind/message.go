package remind

import (
	"bytes"
	"context"
	"html/template"
	"strconv"
	"strings"

	"github.com/uptrace/bun"

	"github.com/samvirke/samvirke/internal/i18n"
	"github.com/samvirke/samvirke/internal/mail"
)

// Letter is what a message says, written once for its text and its HTML
// body: a heading, paragraphs, optional lines (a list), the link to act
// on and the footer.
type Letter struct {
	Subject   string
	Greeting  string
	Lead      []string // paragraphs
	Lines     []Line   // a list of items, each with its link
	Action    string   // the link's text
	ActionURL string   // absolute
	Footer    []string
}

// Line is one item of a letter's list.
type Line struct {
	Text, Note, URL string
}

var letterHTML = template.Must(template.New("letter").Parse(`<!doctype html>
<html><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: Arial, sans-serif; line-height: 1.5; color: #1a1a1a; max-width: 40rem">
{{with .Greeting}}<p>{{.}}</p>{{end}}
{{range .Lead}}<p>{{.}}</p>{{end}}
{{with .Lines}}<ul>{{range .}}<li>{{if .URL}}<a href="{{.URL}}">{{.Text}}</a>{{else}}{{.Text}}{{end}}{{with .Note}}<br><span style="color:#4a4a4a">{{.}}</span>{{end}}</li>{{end}}</ul>{{end}}
{{if .ActionURL}}<p><a href="{{.ActionURL}}" style="display:inline-block;padding:.5rem 1rem;background:#0b5394;color:#fff;text-decoration:none;border-radius:4px">{{.Action}}</a></p>{{end}}
{{range .Footer}}<p style="font-size:.875rem;color:#4a4a4a">{{.}}</p>{{end}}
</body></html>
`))

// Message renders the letter as a multipart text and HTML message.
func (l Letter) Message() (mail.Message, error) {
	var t strings.Builder
	if l.Greeting != "" {
		t.WriteString(l.Greeting + "\n\n")
	}
	for _, p := range l.Lead {
		t.WriteString(p + "\n\n")
	}
	for _, ln := range l.Lines {
		t.WriteString("- " + ln.Text + "\n")
		if ln.Note != "" {
			t.WriteString("  " + ln.Note + "\n")
		}
		if ln.URL != "" {
			t.WriteString("  " + ln.URL + "\n")
		}
	}
	if len(l.Lines) > 0 {
		t.WriteString("\n")
	}
	if l.ActionURL != "" {
		t.WriteString(l.Action + ":\n" + l.ActionURL + "\n\n")
	}
	for _, f := range l.Footer {
		t.WriteString(f + "\n")
	}
	var h bytes.Buffer
	if err := letterHTML.Execute(&h, l); err != nil {
		return mail.Message{}, err
	}
	return mail.Message{Subject: l.Subject, Text: strings.TrimRight(t.String(), "\n") + "\n", HTML: h.String()}, nil
}

// T translates for the recipient.
func (s *Service) t(loc, key string, args ...any) string { return s.Text(loc, key, args...) }

// plural picks key.one or key.other for n and passes n as {count}.
func (s *Service) plural(loc, key string, n int, args ...any) string {
	form := ".other"
	if n == 1 {
		form = ".one"
	}
	return s.Text(loc, key+form, append([]any{"count", strconv.Itoa(n)}, args...)...)
}

// URL makes an app path absolute.
func (s *Service) URL(path string) string { return strings.TrimRight(s.BaseURL, "/") + path }

// Footer is the end of every message: why it came and where to change
// what one is sent.
func (s *Service) Footer(loc string) []string {
	return []string{s.t(loc, "remind.mail.footer", "link", s.URL(PreferencesPath)), "Samvirke"}
}

// dueText is the item's deadline as a reader of loc says it.
func dueText(loc string, d Delivery) string {
	if d.DueText != "" {
		return d.DueText + " (" + i18n.FormatDate(loc, d.Due) + ")"
	}
	return i18n.FormatDate(loc, d.Due)
}

// composeDelivery writes the reminder or escalation d in r's language.
func (s *Service) composeDelivery(d Delivery) func(context.Context, bun.IDB, Recipient) (mail.Message, error) {
	return func(ctx context.Context, idb bun.IDB, r Recipient) (mail.Message, error) {
		loc := r.Locale
		source := s.t(loc, "due.source."+d.Source)
		l := Letter{Greeting: s.t(loc, "remind.mail.greeting", "name", firstNonEmpty(r.Name, r.Email)), Footer: s.Footer(loc)}
		days := d.Days
		switch {
		case d.Kind == KindEscalation && d.Rule == RuleStalled:
			l.Subject = s.t(loc, "remind.mail.stalled.subject", "title", d.Title)
			l.Lead = append(l.Lead, s.t(loc, "remind.mail.stalled.lead", "responsible", d.ResponsibleName, "source", source))
		case d.Kind == KindEscalation:
			l.Subject = s.plural(loc, "remind.mail.escalate.subject", -days, "title", d.Title)
			l.Lead = append(l.Lead, s.plural(loc, "remind.mail.escalate.lead", -days, "responsible", d.ResponsibleName, "source", source))
		case days > 0:
			l.Subject = s.plural(loc, "remind.mail.before.subject", days, "title", d.Title)
			l.Lead = append(l.Lead, s.plural(loc, "remind.mail.before.lead", days, "source", source))
		case days == 0:
			l.Subject = s.t(loc, "remind.mail.due.subject", "title", d.Title)
			l.Lead = append(l.Lead, s.t(loc, "remind.mail.due.lead", "source", source))
		default:
			l.Subject = s.plural(loc, "remind.mail.overdue.subject", -days, "title", d.Title)
			l.Lead = append(l.Lead, s.plural(loc, "remind.mail.overdue.lead", -days, "source", source))
		}
		note := s.t(loc, "remind.mail.due_on", "due", dueText(loc, d))
		if d.Context != "" {
			note = d.Context + " · " + note
		}
		l.Lines = []Line{{Text: d.Title, Note: note, URL: s.URL(d.URL)}}
		if d.ForUserID != 0 {
			var names []string
			if err := idb.NewRaw("SELECT CASE WHEN name = '' THEN email ELSE name END FROM users WHERE id = ?", d.ForUserID).Scan(ctx, &names); err != nil {
				return mail.Message{}, err
			}
			if len(names) > 0 {
				l.Lead = append(l.Lead, s.t(loc, "remind.mail.delegate", "name", names[0]))
			}
		}
		l.Action, l.ActionURL = s.t(loc, "remind.mail.open"), s.URL(d.URL)
		return l.Message()
	}
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// Deliver sends the reminder or escalation d once (Send).
func (s *Service) Deliver(ctx context.Context, d Delivery) (bool, error) {
	return s.Send(ctx, Send{OrgID: d.OrgID, Key: d.Key, Kind: d.Kind, ItemKey: d.ItemKey, Rule: d.Rule, Occurrence: d.On,
		UserID: d.UserID, Title: d.Title, URL: d.URL, Compose: s.composeDelivery(d)})
}
