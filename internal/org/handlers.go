package org

import (
	"embed"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("org", templates, Funcs) }

// Handlers serve the antennas, places and staff pages.
type Handlers struct {
	web.Deps
	Auth *auth.Service
	// Today, when set, lists a staff member's work of the day for the home page.
	Today TodayFunc
}

// Home is the public front page for visitors and the starting page for staff.
func (h *Handlers) Home(w http.ResponseWriter, r *http.Request) {
	st := auth.Current(r.Context())
	var (
		antennas []*Antenna
		err      error
	)
	if st != nil {
		antennas, err = Antennas(r.Context(), h.DB, st.Scope())
	} else {
		antennas, err = AllAntennas(r.Context(), h.DB)
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var today []TodayItem
	if st != nil && h.Today != nil {
		today = h.Today(r.Context(), st)
	}
	h.Render.Render(w, r, http.StatusOK, "org/home.html", struct {
		Antennas []*Antenna
		Staff    *auth.Staff
		Today    []TodayItem
	}{antennas, st, today}, nil)
}

// --- Antennas ---------------------------------------------------------------

// AntennaList shows the antennas the person works in (all, for a national admin).
func (h *Handlers) AntennaList(w http.ResponseWriter, r *http.Request) {
	st := auth.Current(r.Context())
	list, err := Antennas(r.Context(), h.DB, st.Scope())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "org/antennas.html", struct {
		Antennas []*Antenna
		CanAdd   bool
	}{list, st.Role == auth.Admin}, nil)
}

// AntennaShow shows one antenna with its places and team.
func (h *Handlers) AntennaShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	a, err := AntennaByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	places, err := Places(ctx, h.DB, st.Scope(), a.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	all, err := auth.List(ctx, h.DB, st.Scope())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	var team []*auth.Staff
	for _, s := range all {
		if s.Active && s.Role != auth.Admin && s.InAntenna(a.ID) {
			team = append(team, s)
		}
	}
	h.Render.Render(w, r, http.StatusOK, "org/antenna.html", struct {
		Antenna   *Antenna
		Places    []*Place
		Team      []*auth.Staff
		CanManage bool
	}{a, places, team, st.ManagesAntenna(a.ID)}, nil)
}

func antennaForm(a *Antenna) *web.Form {
	return web.NewForm(url.Values{"name": {a.Name}, "city": {a.City}, "country": {a.Country},
		"timezone": {a.Timezone}, "address": {a.Address}, "phone": {a.Phone}})
}

// AntennaNew shows the form for a new antenna.
func (h *Handlers) AntennaNew(w http.ResponseWriter, r *http.Request) {
	h.Render.Render(w, r, http.StatusOK, "org/antenna_form.html", &Antenna{}, antennaForm(&Antenna{Country: "FR", Timezone: "Europe/Paris"}))
}

// AntennaEdit shows the form for an antenna the person manages.
func (h *Handlers) AntennaEdit(w http.ResponseWriter, r *http.Request) {
	a, ok := h.managedAntenna(w, r)
	if !ok {
		return
	}
	h.Render.Render(w, r, http.StatusOK, "org/antenna_form.html", a, antennaForm(a))
}

// managedAntenna loads the antenna of the URL if the person may change it; a
// manager of another antenna gets the 404 page, as if it did not exist.
func (h *Handlers) managedAntenna(w http.ResponseWriter, r *http.Request) (*Antenna, bool) {
	st := auth.Current(r.Context())
	id := web.PathID(r, "id")
	if !st.ManagesAntenna(id) {
		h.Render.NotFound(w, r)
		return nil, false
	}
	a, err := AntennaByID(r.Context(), h.DB, st.Scope(), id)
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return a, true
}

// AntennaSave creates or updates an antenna.
func (h *Handlers) AntennaSave(w http.ResponseWriter, r *http.Request) {
	a := &Antenna{}
	if r.PathValue("id") != "" {
		var ok bool
		if a, ok = h.managedAntenna(w, r); !ok {
			return
		}
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	antennaFromForm(f, a)
	if f.Valid() {
		err := SaveAntenna(r.Context(), h.DB, a)
		if errors.Is(err, ErrNameTaken) {
			f.Fail("name", "antenna.name_taken")
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "org/antenna_form.html", a, f)
		return
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, "/antennas/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}

// --- Places -----------------------------------------------------------------

// PlaceList shows the places of the person's antennas.
func (h *Handlers) PlaceList(w http.ResponseWriter, r *http.Request) {
	st := auth.Current(r.Context())
	list, err := Places(r.Context(), h.DB, st.Scope(), 0)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "org/places.html", struct {
		Places []*Place
		CanAdd bool
	}{list, st.Role != auth.Adviser}, nil)
}

// PlaceShow shows one place.
func (h *Handlers) PlaceShow(w http.ResponseWriter, r *http.Request) {
	st := auth.Current(r.Context())
	p, err := PlaceByID(r.Context(), h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "org/place.html", struct {
		Place     *Place
		CanManage bool
	}{p, st.ManagesAntenna(p.AntennaID)}, nil)
}

type placeFormData struct {
	Place    *Place
	Antennas []web.Option
}

// managedAntennaOptions lists the antennas the person may add places to.
func (h *Handlers) managedAntennaOptions(r *http.Request) ([]web.Option, map[int64]*Antenna, error) {
	st := auth.Current(r.Context())
	list, err := Antennas(r.Context(), h.DB, st.Scope())
	if err != nil {
		return nil, nil, err
	}
	opts := []web.Option{{Value: "", Label: "form.choose"}}
	byID := map[int64]*Antenna{}
	for _, a := range list {
		if st.ManagesAntenna(a.ID) {
			opts = append(opts, web.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name, Raw: true})
			byID[a.ID] = a
		}
	}
	return opts, byID, nil
}

func placeForm(p *Place) *web.Form {
	antenna := ""
	if p.AntennaID != 0 {
		antenna = strconv.FormatInt(p.AntennaID, 10)
	}
	v := url.Values{"antenna": {antenna}, "name": {p.Name}, "address": {p.Address}, "postcode": {p.Postcode},
		"city": {p.City}, "accessibility": {p.Accessibility}, "pivot": {p.Pivot}}
	setHoursForm(v, p.OpeningHours)
	return web.NewForm(v)
}

// PlaceNew shows the form for a new place.
func (h *Handlers) PlaceNew(w http.ResponseWriter, r *http.Request) {
	opts, byID, err := h.managedAntennaOptions(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p := &Place{}
	if len(byID) == 1 { // one antenna: nothing to choose
		for id := range byID {
			p.AntennaID = id
		}
	}
	h.Render.Render(w, r, http.StatusOK, "org/place_form.html", placeFormData{Place: p, Antennas: opts}, placeForm(p))
}

// PlaceEdit shows the form for a place of an antenna the person manages.
func (h *Handlers) PlaceEdit(w http.ResponseWriter, r *http.Request) {
	p, ok := h.managedPlace(w, r)
	if !ok {
		return
	}
	opts, _, err := h.managedAntennaOptions(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "org/place_form.html", placeFormData{Place: p, Antennas: opts}, placeForm(p))
}

func (h *Handlers) managedPlace(w http.ResponseWriter, r *http.Request) (*Place, bool) {
	st := auth.Current(r.Context())
	p, err := PlaceByID(r.Context(), h.DB, st.Scope(), web.PathID(r, "id"))
	if err == nil && !st.ManagesAntenna(p.AntennaID) {
		err = db.ErrNotFound
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return p, true
}

// PlaceSave creates or updates a place.
func (h *Handlers) PlaceSave(w http.ResponseWriter, r *http.Request) {
	p := &Place{}
	if r.PathValue("id") != "" {
		var ok bool
		if p, ok = h.managedPlace(w, r); !ok {
			return
		}
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	opts, byID, err := h.managedAntennaOptions(r)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	country := ""
	if id, _ := strconv.ParseInt(f.Get("antenna"), 10, 64); byID[id] != nil {
		p.AntennaID, country = id, byID[id].Country
	} else if f.Get("antenna") != "" {
		f.Fail("antenna", "form.choose")
	}
	placeFromForm(f, p, country)
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "org/place_form.html", placeFormData{Place: p, Antennas: opts}, f)
		return
	}
	if err := SavePlace(r.Context(), h.DB, p); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, "/places/"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
}
