package statdata_test

import (
	"errors"
	"testing"

	"github.com/samvirke/samvirke/internal/statdata"
)

func TestSSBDataURL(t *testing.T) {
	got, err := statdata.SSBDataURL("05300", "no",
		statdata.Selection{Dimension: "Region", Codes: []string{"0301", "3203"}},
		statdata.Selection{Dimension: "Tid", Codes: []string{"top(5)"}})
	want := "https://data.ssb.no/api/pxwebapi/v2/tables/05300/data?lang=no&outputFormat=json-stat2&valueCodes%5BRegion%5D=0301%2C3203&valueCodes%5BTid%5D=top%285%29"
	if err != nil || got != want {
		t.Errorf("got %q, %v\nwant %q", got, err, want)
	}
	for name, f := range map[string]func() error{
		"ErrTable":    func() error { _, err := statdata.SSBDataURL("05300/../x", "no"); return err },
		"ErrLanguage": func() error { _, err := statdata.SSBDataURL("05300", "sv"); return err },
		"ErrCode": func() error {
			_, err := statdata.SSBDataURL("05300", "no", statdata.Selection{Dimension: "Region", Codes: []string{"03&x=1"}})
			return err
		},
		"ErrNoCodes": func() error {
			_, err := statdata.SSBDataURL("05300", "no", statdata.Selection{Dimension: "Region"})
			return err
		},
		"ErrDimension": func() error {
			_, err := statdata.SSBDataURL("05300", "no", statdata.Selection{Dimension: "a]b", Codes: []string{"1"}})
			return err
		},
	} {
		if err := f(); !errors.Is(err, statdata.ErrBadQuery) {
			t.Errorf("%s: err = %v", name, err)
		}
	}
}

func TestKoladaDataURL(t *testing.T) {
	got, err := statdata.KoladaDataURL([]string{"N00945", "N00946"}, []string{"0180"}, []string{"2019", "2020"})
	if want := "https://api.kolada.se/v3/data/kpi/N00945,N00946/municipality/0180/year/2019,2020"; err != nil || got != want {
		t.Errorf("got %q, %v", got, err)
	}
	got, err = statdata.KoladaDataURL([]string{"N00945"}, nil, []string{"2019"})
	if want := "https://api.kolada.se/v3/data/kpi/N00945/year/2019"; err != nil || got != want {
		t.Errorf("got %q, %v", got, err)
	}
	if _, err := statdata.KoladaDataURL([]string{"N00945"}, nil, nil); !errors.Is(err, statdata.ErrBadQuery) {
		t.Errorf("one dimension: err = %v", err)
	}
	if _, err := statdata.KoladaDataURL([]string{"N00945"}, []string{"../v2"}, nil); !errors.Is(err, statdata.ErrBadQuery) {
		t.Errorf("path id: err = %v", err)
	}
}
