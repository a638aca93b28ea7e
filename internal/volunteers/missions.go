package volunteers

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/web"
)

func id64(v int64) string { return strconv.FormatInt(v, 10) }

// /volunteers/missions (?archived=1 for the archived ones).
func (h *Handlers) Missions(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	archived := r.URL.Query().Get("archived") == "1"
	n, offset := web.PageOf(r, MissionsPerPage)
	list, err := Missions(ctx, h.DB, auth.Current(ctx).Scope(), !archived, offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	more := len(list) > MissionsPerPage
	h.Render.Render(w, r, http.StatusOK, "volunteers/mission_list.html", struct {
		Missions []*Mission
		Archived bool
		Pager    web.Pager
	}{list[:min(len(list), MissionsPerPage)], archived, web.NewPager(r, n, more)}, nil)
}

// Choice is one checkbox of a group.
type Choice struct {
	Value, Label string
	Checked      bool
}

type missionForm struct {
	ID       int64
	Antennas []web.Option
	Skills   []Choice
}

func (h *Handlers) missionForm(ctx context.Context, id int64, f *web.Form) (*missionForm, error) {
	antennas, err := org.Antennas(ctx, h.DB, auth.Current(ctx).Scope())
	if err != nil {
		return nil, err
	}
	d := &missionForm{ID: id}
	for _, a := range antennas {
		d.Antennas = append(d.Antennas, web.Option{Value: id64(a.ID), Label: a.Name, Raw: true})
	}
	for _, s := range Skills {
		d.Skills = append(d.Skills, Choice{Value: s, Label: "volunteers.skill." + s, Checked: slices.Contains(f.All("skills"), s)})
	}
	return d, nil
}

// MissionNew shows the form of a new mission.
func (h *Handlers) MissionNew(w http.ResponseWriter, r *http.Request) {
	f := web.NewForm(url.Values{"active": {"1"}})
	h.showMissionForm(w, r, http.StatusOK, 0, f)
}

func (h *Handlers) showMissionForm(w http.ResponseWriter, r *http.Request, status int, id int64, f *web.Form) {
	d, err := h.missionForm(r.Context(), id, f)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "volunteers/mission_form.html", d, f)
}

// MissionEdit shows a mission's form.
func (h *Handlers) MissionEdit(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	m, err := MissionByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f := web.NewForm(url.Values{"antenna": {id64(m.AntennaID)}, "title": {m.Title}, "description": {m.Description}, "skills": m.Skills})
	for name, on := range map[string]bool{"vulnerable": m.Vulnerable, "supervising": m.Leading, "active": m.Active} {
		if on {
			f.Set(name, "1")
		}
	}
	h.showMissionForm(w, r, http.StatusOK, m.ID, f)
}

// MissionSave creates a mission (POST /volunteers/missions) or changes one
// (POST /volunteers/missions/{id}).
func (h *Handlers) MissionSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := auth.Current(ctx).Scope()
	m := &Mission{}
	if r.PathValue("id") != "" {
		var err error
		if m, err = MissionByID(ctx, h.DB, sc, web.PathID(r, "id")); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	f.Required("title", "antenna")
	f.MaxLength("title", 200)
	f.MaxLength("description", 2000)
	antenna, _ := strconv.ParseInt(f.Get("antenna"), 10, 64)
	if !auth.Current(ctx).InAntenna(antenna) && f.Errors["antenna"] == "" {
		f.Fail("antenna", "form.choose")
	}
	if !f.Valid() {
		h.showMissionForm(w, r, http.StatusUnprocessableEntity, m.ID, f)
		return
	}
	m.AntennaID, m.Title, m.Description = antenna, f.Get("title"), f.Get("description")
	m.Vulnerable, m.Leading = f.Get("vulnerable") == "1", f.Get("supervising") == "1"
	m.Active = m.ID == 0 || f.Get("active") == "1"
	m.Skills = nil
	for _, s := range f.All("skills") {
		if slices.Contains(Skills, s) {
			m.Skills = append(m.Skills, s)
		}
	}
	if err := SaveMission(ctx, h.DB, sc, m); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, "/volunteers/missions/"+id64(m.ID), http.StatusSeeOther)
}
