// Package reports holds the messages the workers send by themselves once a
// day, each a remind.Daily run in the organisation's send hour: the
// monthly indicator report to a municipality's committee list, a
// council's agenda before each meeting and its minutes once published,
// a network's report before each gathering. (The digests are
// remind.Digests.) Everything goes through remind.Service.Send, with keys
// that name what, which occurrence and whom, so running a day twice sends
// nothing more.
//
// The package sits above remind, indicator, council and workbook, which
// know nothing of it: dependencies run one way.
package reports

import (
	"bytes"
	"strings"
	"time"

	"github.com/samvirke/samvirke/internal/council"
	"github.com/samvirke/samvirke/internal/document"
	"github.com/samvirke/samvirke/internal/indicator"
	"github.com/samvirke/samvirke/internal/mail"
	"github.com/samvirke/samvirke/internal/remind"
	"github.com/samvirke/samvirke/internal/workbook"
)

// Reports are the daily reports' dependencies.
type Reports struct {
	Reminders  *remind.Service
	Indicators *indicator.Service
	Councils   *council.Service
	Workbooks  *workbook.Service
	// Text is the translation catalogue (i18n.Catalog.T).
	Text func(locale, key string, args ...any) string
}

// Dailies answers the reports and the digests, in the order they run.
func (r *Reports) Dailies() []remind.Daily {
	return []remind.Daily{Monthly{r}, Agendas{r}, Networks{r}, remind.Digests{Service: r.Reminders}}
}

// CatchUp is how many days after its day a report, an agenda or minutes
// still go out when the day's run was missed (the workers were down).
const CatchUp = 7

func (r *Reports) t(loc string) func(key string, args ...any) string {
	return func(key string, args ...any) string { return r.Text(loc, key, args...) }
}

// nextWorking answers day or the first working day after it.
func nextWorking(cal *remind.Calendar, day time.Time) time.Time {
	day = remind.Day(day)
	for i := 0; i < 90 && !cal.Working(day); i++ {
		day = day.AddDate(0, 0, 1)
	}
	return day
}

// pdf prints d.
func pdf(d *document.Document) ([]byte, error) {
	var b bytes.Buffer
	if err := d.WritePDF(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// attach answers d's PDF as a message's attachment, named by its title.
func attach(d *document.Document) (mail.Attachment, error) {
	b, err := pdf(d)
	if err != nil {
		return mail.Attachment{}, err
	}
	name := strings.Join(strings.Fields(strings.NewReplacer("/", "-", "\\", "-").Replace(d.Title)), " ") + ".pdf"
	return mail.Attachment{Name: name, Type: "application/pdf", Data: b}, nil
}
