package web

import (
	"maps"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// dataTable is the state of a sortable, paged table of a page: which
// column it is sorted by (?sort=key, ?dir=desc) and which page it shows
// (?page=n). The table partial "sorthead" draws each sortable column's
// heading as a link that sorts by it (aria-sort on the current one); the
// "pager" partial draws the pages. Sorting and paging are plain links:
// they work without JavaScript.
type dataTable struct {
	Sort string
	Desc bool
	Pagination
	query url.Values
	path  string
}

// SortURL answers the link that sorts by key: ascending, or descending
// when the table is already sorted ascending by it; back to page 1.
func (t *dataTable) SortURL(key string) string {
	q := maps.Clone(t.query)
	q.Set("sort", key)
	q.Del("page")
	if t.Sort == key && !t.Desc {
		q.Set("dir", "desc")
	} else {
		q.Del("dir")
	}
	return t.path + "?" + q.Encode()
}

// AriaSort answers the aria-sort value of column key: ascending,
// descending or none.
func (t *dataTable) AriaSort(key string) string {
	switch {
	case t.Sort != key:
		return "none"
	case t.Desc:
		return "descending"
	}
	return "ascending"
}

// newDataTable reads the sort column (one of keys; the first when none
// or another is asked for) and the direction from the request.
func newDataTable(c *gin.Context, keys ...string) *dataTable {
	t := &dataTable{Sort: c.Query("sort"), Desc: c.Query("dir") == "desc", query: c.Request.URL.Query(), path: c.Request.URL.Path}
	if !slices.Contains(keys, t.Sort) {
		t.Sort, t.Desc = keys[0], false
	}
	return t
}

// sortPage sorts rows by the table's column, comparing the texts key
// answers in the page's language's alphabetical order (æ, ø, å after z
// in Norwegian and Danish, å, ä, ö in Swedish), and answers the rows of
// the page asked for, perPage at a time, setting the pagination.
func sortPage[T any](c *gin.Context, t *dataTable, loc string, rows []T, perPage int, key func(T, string) string) []T {
	col := collate.New(collationOf(loc), collate.IgnoreCase)
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b T) int {
		r := col.CompareString(key(a, t.Sort), key(b, t.Sort))
		if t.Desc {
			return -r
		}
		return r
	})
	t.Pagination = paginate(c, len(out), perPage)
	from := min((t.Page-1)*perPage, len(out))
	return out[from:min(from+perPage, len(out))]
}

// collationOf answers the language whose alphabetical order loc's
// readers expect. golang.org/x/text has no tailoring for Bokmål ("nb"
// sorts Å as A and Ø as O); Nynorsk's is the Norwegian alphabet, the
// same for both written forms: … X Y Z Æ Ø Å.
func collationOf(loc string) language.Tag {
	if loc == "nb" {
		return language.Make("nn")
	}
	return language.Make(loc)
}
