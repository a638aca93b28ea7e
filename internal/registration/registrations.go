package registration

import (
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tremplin/internal/learners"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// registrationsData is the staff page about the public form: workshop codes, and
// the registrations held because their hidden field was filled.
type registrationsData struct {
	Antennas []web.Option
	Passes   []*Pass
	Held     []*Held
	Next     int64 // the id to continue the held list after; 0 when it is all shown
}

// Registrations shows the workshop codes of the person's antennas and the held
// registrations to review (?after= pages through them).
func (h *Handlers) Registrations(w http.ResponseWriter, r *http.Request) {
	h.registrations(w, r, http.StatusOK, web.NewForm(url.Values{"hours": {strconv.Itoa(PassHours)}}))
}

func (h *Handlers) registrations(w http.ResponseWriter, r *http.Request, status int, f *web.Form) {
	ctx := r.Context()
	sc := auth.Current(ctx).Scope()
	antennas, err := org.Antennas(ctx, h.DB, sc)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	d := registrationsData{Antennas: []web.Option{{Value: "", Label: "form.choose"}}}
	for _, a := range antennas {
		d.Antennas = append(d.Antennas, web.Option{Value: strconv.FormatInt(a.ID, 10), Label: a.Name, Raw: true})
	}
	if len(antennas) == 1 && f.Get("antenna") == "" {
		f.Set("antenna", strconv.FormatInt(antennas[0].ID, 10))
	}
	if d.Passes, err = ActivePasses(ctx, h.DB, sc); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	after, _ := strconv.ParseInt(r.URL.Query().Get("after"), 10, 64)
	if d.Held, err = HeldList(ctx, h.DB, sc, after); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if len(d.Held) > HeldPage {
		d.Held = d.Held[:HeldPage]
		d.Next = d.Held[HeldPage-1].ID
	}
	h.Render.Render(w, r, status, "registration/registrations.html", d, f)
}

// PassCreate makes a workshop code for one of the person's antennas.
func (h *Handlers) PassCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	antennaID, _ := strconv.ParseInt(f.Get("antenna"), 10, 64)
	if antennaID <= 0 || !st.InAntenna(antennaID) {
		f.Fail("antenna", "form.choose")
	}
	hours, err := strconv.Atoi(f.Get("hours"))
	if err != nil || hours < 1 || hours > PassMaxHours {
		f.Fail("hours", "registrations.hours_invalid")
	}
	if !f.Valid() {
		h.registrations(w, r, http.StatusUnprocessableEntity, f)
		return
	}
	if _, err := CreatePass(ctx, h.DB, antennaID, st.ID, hours); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "registrations.pass_created")
	http.Redirect(w, r, "/registrations", http.StatusSeeOther)
}

// HeldRelease makes a file of a held registration and acknowledges it, as if it
// had gone through at once; sent twice, the second finds it done (404).
func (h *Handlers) HeldRelease(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	held, err := HeldByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	antenna, err := org.AntennaByID(ctx, h.DB, st.Scope(), held.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	p := i18n.For(held.Lang)
	l := &learners.Learner{Lang: p.Lang, Source: "web", ConsentText: p.T("register.consent"), ConsentAt: held.CreatedAt}
	f := web.NewForm(held.Form)
	session := h.personFromRegistration(ctx, f, l, antenna, time.Now())
	if !f.Valid() { // the rules changed since: staff register the person by hand
		h.Flash(r, "registrations.release_invalid")
		http.Redirect(w, r, "/registrations", http.StatusSeeOther)
		return
	}
	if err := Release(ctx, h.DB, held.ID, l, st.ID, h.acknowledge(p, antenna, session)); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "registrations.released")
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(l.ID, 10), http.StatusSeeOther)
}

// HeldDiscard drops a held registration (a bot's).
func (h *Handlers) HeldDiscard(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	held, err := HeldByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if err := Discard(ctx, h.DB, held.ID, st.ID); err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "registrations.discarded")
	http.Redirect(w, r, "/registrations", http.StatusSeeOther)
}
