// Package opendata publishes the association's places and services in the national
// open-data standards: "lieux de médiation numérique" v1.0.2 and data·inclusion v1.
package opendata

import (
	"embed"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"tremplin/internal/platform/check"
	"tremplin/internal/platform/siret"
	"tremplin/internal/platform/web"
)

//go:embed templates/*.html
var templates embed.FS

// Pages are this package's pages, for the renderer.
func Pages() web.Pages { return web.PackagePages("opendata", templates, nil) }

// Handlers serve this package's pages.
type Handlers struct {
	web.Deps
	BaseURL string
}

// The files change when someone edits a place or a programme: a few minutes of
// caching spares the database when a crawler comes by, and is soon up to date.
const cacheControl = "public, max-age=300"

func (h *Handlers) build(w http.ResponseWriter, r *http.Request) (*Dataset, bool) {
	ds, err := Build(r.Context(), h.DB, h.BaseURL)
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	return ds, true
}

// Index explains, in simple words, what is published and links to the files.
func (h *Handlers) Index(w http.ResponseWriter, r *http.Request) {
	ds, ok := h.build(w, r)
	if !ok {
		return
	}
	v := web.ViewerFrom(r.Context())
	h.Render.Render(w, r, http.StatusOK, "opendata/index.html", struct {
		*Dataset
		CanEdit bool
	}{ds, v != nil && v.IsAdmin}, nil)
}

// LieuxCSV is the "lieux de médiation numérique" file.
func (h *Handlers) LieuxCSV(w http.ResponseWriter, r *http.Request) {
	ds, ok := h.build(w, r)
	if !ok {
		return
	}
	b, err := ds.CSV()
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Cache-Control", cacheControl)
	w.Write(b)
}

// LieuxJSON is the same rows as JSON objects (lists as arrays, empty fields null).
func (h *Handlers) LieuxJSON(w http.ResponseWriter, r *http.Request) {
	if ds, ok := h.build(w, r); ok {
		h.json(w, r, list(ds.Lieux))
	}
}

// Structures is the data·inclusion structures file.
func (h *Handlers) Structures(w http.ResponseWriter, r *http.Request) {
	if ds, ok := h.build(w, r); ok {
		h.json(w, r, list(ds.Structures))
	}
}

// Services is the data·inclusion services file.
func (h *Handlers) Services(w http.ResponseWriter, r *http.Request) {
	if ds, ok := h.build(w, r); ok {
		h.json(w, r, list(ds.Services))
	}
}

// list makes an empty list [] in JSON rather than null.
func list[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func (h *Handlers) json(w http.ResponseWriter, r *http.Request, v any) {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", cacheControl)
	w.Write(append(b, '\n'))
}

// --- The association's identity ----------------------------------------------

func associationForm(a *Association) *web.Form {
	return web.NewForm(url.Values{"name": {a.Name}, "siret": {a.SIRET}, "rna": {a.RNA}, "website": {a.Website},
		"email": {a.Email}, "phone": {a.Phone}, "description": {a.Description}, "networks": a.Networks})
}

type networkOption struct {
	Code, Label string
	Checked     bool
}

var networkLabels = map[string]string{
	"konexio":                     "opendata.network_konexio",
	"emmaus":                      "opendata.network_emmaus",
	"conseillers-numeriques":      "opendata.network_conseillers_numeriques",
	"espaces-publics-numeriques":  "opendata.network_espaces_publics_numeriques",
	"fabrique-de-territoire":      "opendata.network_fabrique_de_territoire",
	"france-service":              "opendata.network_france_service",
	"grandes-ecoles-du-numerique": "opendata.network_grandes_ecoles_du_numerique",
	"simplon":                     "opendata.network_simplon",
	"singa":                       "opendata.network_singa",
}

// networkOptions are the checkboxes of the networks, ticked as chosen.
func networkOptions(chosen []string) []networkOption {
	out := make([]networkOption, len(Networks))
	for i, n := range Networks {
		out[i] = networkOption{n, networkLabels[n], slices.Contains(chosen, n)}
	}
	return out
}

// AssociationEdit shows the association's identity, for the national admin.
func (h *Handlers) AssociationEdit(w http.ResponseWriter, r *http.Request) {
	a, err := LoadAssociation(r.Context(), h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "opendata/association.html", networkOptions(a.Networks), associationForm(a))
}

// AssociationSave records the association's identity.
func (h *Handlers) AssociationSave(w http.ResponseWriter, r *http.Request) {
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	a := associationFromForm(f)
	if !f.Valid() {
		h.Render.Render(w, r, http.StatusUnprocessableEntity, "opendata/association.html", networkOptions(a.Networks), f)
		return
	}
	if err := SaveAssociation(r.Context(), h.DB, a); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, "/association", http.StatusSeeOther)
}

func associationFromForm(f *web.Form) *Association {
	f.Required("name")
	f.MaxLength("name", 150)
	f.MaxLength("description", 1000)
	f.MaxLength("website", 300)
	f.MaxLength("email", 200)
	if n := f.Get("name"); n != "" && (len([]rune(n)) < 3 || strings.HasSuffix(n, ".")) {
		f.Fail("name", "opendata.name_invalid")
	}
	if v := f.Get("siret"); v != "" {
		n := siret.Normalize(v)
		if k := siret.Kind(n); k == "siret" || k == "siren" {
			f.Set("siret", n)
		} else {
			f.Fail("siret", "opendata.siret_invalid")
		}
	}
	if v := f.Get("rna"); v != "" {
		if siret.ValidRNA(v) {
			f.Set("rna", siret.Normalize(v))
		} else {
			f.Fail("rna", "opendata.rna_invalid")
		}
	}
	if v := f.Get("website"); v != "" && validURL(v) == "" {
		f.Fail("website", "opendata.website_invalid")
	}
	if v := f.Get("email"); v != "" && validEmail(v) == "" {
		f.Fail("email", "opendata.email_invalid")
	}
	if v := f.Get("phone"); v != "" {
		if c, ok := check.AnyPhone(v); ok {
			f.Set("phone", c)
		} else {
			f.Fail("phone", "form.phone")
		}
	}
	if d := f.Get("description"); d != "" && len([]rune(d)) < 5 {
		f.Fail("description", "opendata.description_short")
	}
	var networks []string
	for _, n := range f.All("networks") {
		if !slices.Contains(Networks, n) {
			f.Fail("networks", "form.choose")
		} else if !slices.Contains(networks, n) {
			networks = append(networks, n)
		}
	}
	return &Association{Name: f.Get("name"), SIRET: f.Get("siret"), RNA: f.Get("rna"), Website: f.Get("website"),
		Email: f.Get("email"), Phone: f.Get("phone"), Description: f.Get("description"), Networks: networks}
}
