package catalogue

// The catalogue's pages: every programme by level, and one programme's page.

import (
	"net/http"
	"strconv"
	"time"

	"tremplin/internal/org"
	"tremplin/internal/platform/web"
)

type levelGroup struct {
	Level  string
	Offers []*Offer
}

type antennaLink struct {
	ID   int64
	Name string
}

type coursesData struct {
	Antennas  []antennaLink
	AntennaID int64
	Groups    []levelGroup
	Offer     *Offer // one programme's page
}

// publicAntennas lists the antennas for the filter, and the chosen one (0: all).
func (h *Handlers) publicAntennas(r *http.Request) ([]antennaLink, int64, error) {
	list, err := org.AllAntennas(r.Context(), h.DB)
	if err != nil {
		return nil, 0, err
	}
	chosen, _ := strconv.ParseInt(r.URL.Query().Get("antenna"), 10, 64)
	out := make([]antennaLink, 0, len(list))
	found := false
	for _, a := range list {
		out = append(out, antennaLink{a.ID, a.Name})
		found = found || a.ID == chosen
	}
	if !found {
		chosen = 0
	}
	return out, chosen, nil
}

// Courses is the public catalogue: every programme by level, with the cohorts one
// may still join, of one antenna or all.
func (h *Handlers) Courses(w http.ResponseWriter, r *http.Request) {
	h.servePublic(w, r, antennaKey(r), h.courses)
}

// Course is one programme's public page with its next cohorts.
func (h *Handlers) Course(w http.ResponseWriter, r *http.Request) {
	h.servePublic(w, r, antennaKey(r), h.course)
}

func antennaKey(r *http.Request) string {
	id, _ := strconv.ParseInt(r.URL.Query().Get("antenna"), 10, 64)
	return strconv.FormatInt(id, 10)
}

func (h *Handlers) courses(w http.ResponseWriter, r *http.Request) {
	antennas, chosen, err := h.publicAntennas(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	offers, err := Catalogue(r.Context(), h.DB, chosen, 0, time.Now())
	if err == nil {
		err = withSchedules(r.Context(), h.DB, offers)
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var groups []levelGroup
	for _, o := range offers {
		if len(groups) == 0 || groups[len(groups)-1].Level != o.Level {
			groups = append(groups, levelGroup{Level: o.Level})
		}
		g := &groups[len(groups)-1]
		g.Offers = append(g.Offers, o)
	}
	h.Render.Render(w, r, http.StatusOK, "catalogue/courses.html", coursesData{Antennas: antennas, AntennaID: chosen, Groups: groups}, nil)
}

func (h *Handlers) course(w http.ResponseWriter, r *http.Request) {
	antennas, chosen, err := h.publicAntennas(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	id := web.PathID(r, "id")
	if id == 0 {
		h.Render.NotFound(w, r)
		return
	}
	offers, err := Catalogue(r.Context(), h.DB, chosen, id, time.Now())
	if err == nil {
		err = withSchedules(r.Context(), h.DB, offers)
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if len(offers) == 0 {
		h.Render.NotFound(w, r)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "catalogue/course.html", coursesData{Antennas: antennas, AntennaID: chosen, Offer: offers[0]}, nil)
}
