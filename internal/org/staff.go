package org

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

type staffListData struct {
	Staff    []*auth.Staff
	Antennas map[int64]string
}

// StaffList shows every staff account (national admins only).
func (h *Handlers) StaffList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	list, err := auth.List(ctx, h.DB, st.Scope())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	antennas, err := Antennas(ctx, h.DB, st.Scope())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	names := map[int64]string{}
	for _, a := range antennas {
		names[a.ID] = a.Name
	}
	h.Render.Render(w, r, http.StatusOK, "org/staff.html", staffListData{Staff: list, Antennas: names}, nil)
}

type staffFormData struct {
	Staff     *auth.Staff
	Antennas  []*Antenna
	Chosen    []int64
	Roles     []web.Option
	Languages []web.Option
}

func (h *Handlers) staffFormData(r *http.Request, s *auth.Staff, f *web.Form) (staffFormData, error) {
	antennas, err := AllAntennas(r.Context(), h.DB)
	if err != nil {
		return staffFormData{}, err
	}
	var chosen []int64
	for _, v := range f.All("antennas") {
		if id, err := strconv.ParseInt(v, 10, 64); err == nil {
			chosen = append(chosen, id)
		}
	}
	roles := []web.Option{}
	for _, role := range auth.Roles {
		roles = append(roles, web.Option{Value: string(role), Label: "role." + string(role)})
	}
	langs := []web.Option{}
	for _, l := range i18n.Languages {
		langs = append(langs, web.Option{Value: l, Label: "lang." + l})
	}
	return staffFormData{Staff: s, Antennas: antennas, Chosen: chosen, Roles: roles, Languages: langs}, nil
}

func staffForm(s *auth.Staff) *web.Form {
	v := url.Values{"name": {s.Name}, "email": {s.Email}, "role": {string(s.Role)}, "lang": {s.Lang}}
	if s.Active {
		v.Set("active", "on")
	}
	for _, a := range s.Antennas {
		v.Add("antennas", strconv.FormatInt(a, 10))
	}
	return web.NewForm(v)
}

func (h *Handlers) renderStaffForm(w http.ResponseWriter, r *http.Request, status int, s *auth.Staff, f *web.Form) {
	data, err := h.staffFormData(r, s, f)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "org/staff_form.html", data, f)
}

// StaffNew shows the form for a new account.
func (h *Handlers) StaffNew(w http.ResponseWriter, r *http.Request) {
	s := &auth.Staff{Role: auth.Adviser, Lang: i18n.Default, Active: true}
	h.renderStaffForm(w, r, http.StatusOK, s, staffForm(s))
}

// StaffEdit shows the form for an account.
func (h *Handlers) StaffEdit(w http.ResponseWriter, r *http.Request) {
	s, err := auth.ByID(r.Context(), h.DB, web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.renderStaffForm(w, r, http.StatusOK, s, staffForm(s))
}

// StaffSave creates or updates an account. A new account gets an email with a
// link to choose its password, so no password travels by other means.
func (h *Handlers) StaffSave(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s := &auth.Staff{Active: true}
	isNew := r.PathValue("id") == ""
	if !isNew {
		var err error
		if s, err = auth.ByID(ctx, h.DB, web.PathID(r, "id")); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		s.PasswordHash = "" // keep the password as it is
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	f.Required("name", "email", "role", "lang")
	f.MaxLength("name", 100)
	if e, ok := check.Email(f.Get("email")); e != "" && !ok {
		f.Fail("email", "form.email")
	}
	role := auth.Role(f.Get("role"))
	if f.Get("role") != "" && !role.Valid() {
		f.Fail("role", "form.choose")
	}
	if l := f.Get("lang"); l != "" && !i18n.Supported(l) {
		f.Fail("lang", "form.choose")
	}
	known, err := AllAntennas(ctx, h.DB)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	exists := map[int64]bool{}
	for _, a := range known {
		exists[a.ID] = true
	}
	var antennas []int64
	for _, v := range f.All("antennas") {
		id, _ := strconv.ParseInt(v, 10, 64)
		if !exists[id] {
			f.Fail("antennas", "form.choose")
			continue
		}
		antennas = append(antennas, id)
	}
	if role.Valid() && !role.National() && len(antennas) == 0 {
		f.Fail("antennas", "staff.antenna_required")
	}
	s.Name, s.Email, s.Role, s.Lang, s.Antennas = f.Get("name"), f.Get("email"), role, f.Get("lang"), antennas
	if !isNew {
		s.Active = f.Get("active") != ""
		if me := auth.Current(ctx); me.ID == s.ID && (!s.Active || s.Role != auth.Admin) {
			f.Fail("role", "staff.not_yourself") // nobody locks themselves out
		}
	}
	if f.Valid() {
		err = auth.Save(ctx, h.DB, s)
		if errors.Is(err, auth.ErrEmailTaken) {
			f.Fail("email", "staff.email_taken")
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.renderStaffForm(w, r, http.StatusUnprocessableEntity, s, f)
		return
	}
	if isNew {
		if err := h.Auth.SendPasswordLink(ctx, s, true); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		h.Flash(r, "staff.invited")
	} else {
		h.Flash(r, "saved")
	}
	http.Redirect(w, r, "/staff", http.StatusSeeOther)
}
