package web

import (
	"net/http"
	"strconv"
)

// PageOf reads a list's ?page= (from 1, at most 100,000) and the offset of its
// first row when a page holds per rows.
func PageOf(r *http.Request, per int) (page, offset int) {
	page, _ = strconv.Atoi(r.URL.Query().Get("page"))
	page = max(1, min(page, 100_000))
	return page, (page - 1) * per
}

// Pager links a list's previous and next pages ("" when there is none),
// keeping the rest of the query (a search, a filter); the template "pager"
// prints it.
type Pager struct {
	Page       int
	Prev, Next string
}

// NewPager is the pager of page of the list at r; more says that a row was
// read beyond the page (lists read one more than they show).
func NewPager(r *http.Request, page int, more bool) Pager {
	link := func(n int) string {
		q := r.URL.Query()
		q.Set("page", strconv.Itoa(n))
		return r.URL.Path + "?" + q.Encode()
	}
	p := Pager{Page: page}
	if page > 1 {
		p.Prev = link(page - 1)
	}
	if more {
		p.Next = link(page + 1)
	}
	return p
}
