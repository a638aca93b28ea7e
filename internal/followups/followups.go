// Package followups is the follow-up after training as advisers work through it:
// the list of the follow-ups to do (+3 and +6 months after an exit) across their
// antennas, counted per milestone and read a page at a time, the count on the
// staff home page, and the recording of one from the learner file. The file's
// follow-ups themselves (planned at the exit, checked, stored, shown) are package
// learners'.
package followups

import (
	"embed"
	"net/http"
	"net/url"
	"slices"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("followups", templates, nil) }

// Handlers serve the list of the follow-ups to do, and record one.
type Handlers struct {
	web.Deps
	// Files is the learner file, which a follow-up is recorded from.
	Files *learners.Handlers
}

// page is what the follow-up list shows.
type page struct {
	Counts    []Count
	Items     []*Due
	Milestone string
	Next      string // the next page's URL, "" on the last
	First     string // the first page's URL, "" on it
}

// List lists the follow-ups due (or due within learners.FollowUpMargin) in the
// person's antennas, with their counts per milestone; ?milestone= narrows it to
// one, ?after= is the page's start.
func (h *Handlers) List(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := auth.Current(ctx).Scope()
	now := time.Now()
	q := Query{Milestone: r.URL.Query().Get("milestone"), After: ParseCursor(r.URL.Query().Get("after"))}
	if !slices.Contains(learners.Milestones, q.Milestone) {
		q.Milestone = ""
	}
	counts, err := Counts(ctx, h.DB, sc, now)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	items, next, err := ListDue(ctx, h.DB, sc, now, q)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	link := func(after string) string {
		v := url.Values{}
		if q.Milestone != "" {
			v.Set("milestone", q.Milestone)
		}
		if after != "" {
			v.Set("after", after)
		}
		if len(v) == 0 {
			return "/followups"
		}
		return "/followups?" + v.Encode()
	}
	p := page{Counts: counts, Items: items, Milestone: q.Milestone}
	if next.Due != "" {
		p.Next = link(next.String())
	}
	if q.After.Due != "" {
		p.First = link("")
	}
	h.Render.Render(w, r, http.StatusOK, "followups/followups.html", p, nil)
}
