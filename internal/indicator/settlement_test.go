package indicator_test

import (
	"testing"

	"github.com/samvirke/samvirke/internal/indicator"
)

// TestSettlementTracker: Thisted's overview of quota and reunification
// (seed 003): the expected quota against refugees received with adults
// and children, family reunifications, by year; the default range ends
// at the last year with figures (not this year) and spans ten years; a
// year without figures is missing, never zero.
func TestSettlementTracker(t *testing.T) {
	t.Parallel()
	f := idcNewFixture(t, 1)
	o := f.muns[0]
	rows := []struct {
		year                             string
		quota, adults, kids, fa, fk, tot float64
	}{
		{"2014", 50, 72, 20, 12, 36, 140},
		{"2015", 128, 89, 22, 24, 50, 185},
		{"2016", 72, 43, 29, 23, 32, 128},
		{"2017", 49, 13, 9, 10, 23, 55},
	}
	var es []indicator.Entry
	for _, r := range rows {
		es = append(es,
			indicator.Entry{Code: "settle.requested", Period: r.year, Num: num(r.quota), Source: indicator.SourceUDI},
			indicator.Entry{Code: "settle.settled", Period: r.year, Category: "adults", Num: num(r.adults)},
			indicator.Entry{Code: "settle.settled", Period: r.year, Category: "children", Num: num(r.kids)},
			indicator.Entry{Code: "settle.family", Period: r.year, Category: "adults", Num: num(r.fa)},
			indicator.Entry{Code: "settle.family", Period: r.year, Category: "children", Num: num(r.fk)},
			indicator.Entry{Code: "settle.total", Period: r.year, Num: num(r.tot)})
	}
	_, err := f.svc.Save(f.ctx, o, f.users[0], es)
	idcNoErr(t, err)
	st, err := f.svc.Settlement(f.ctx, o, 0, 0)
	idcNoErr(t, err)
	if st.From != 2008 || st.To != 2017 || len(st.Years) != 10 {
		t.Fatalf("default range %d–%d (%d years); want 2008–2017, ten years ending at the last year with figures", st.From, st.To, len(st.Years))
	}
	y := st.Years[len(st.Years)-3] // 2015
	if y.Year != 2015 || *y.Requested.Num != 128 || *y.Settled.Num != 111 || *y.SettledAdults.Num != 89 || *y.SettledChildren.Num != 22 ||
		*y.Family.Num != 74 || *y.Total.Num != 185 || y.Diff == nil || *y.Diff != 111-128 {
		t.Errorf("2015: %+v; want quota 128, received 111 (89 adults, 22 children), family 74, total 185, 17 fewer than the quota", y)
	}
	if !st.Years[0].Requested.Missing || st.Years[0].Requested.Num != nil {
		t.Errorf("2008 (no figures): %+v; want missing", st.Years[0].Requested)
	}
}
