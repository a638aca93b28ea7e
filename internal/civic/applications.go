package civic

import (
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

type applicationPage struct {
	App      *Application
	Age      int
	Events   []Event
	Moves    []string
	Reasons  []web.Option
	Contract int64
}

// ApplicationShow shows an application, its history and what may be done
// next: GET /civic/applications/{id}.
func (h *Handlers) ApplicationShow(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, err := ApplicationByID(ctx, h.DB, auth.Current(ctx).Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	date := h.now().AddDate(0, 0, 7)
	h.showApplication(w, r, http.StatusOK, a, web.NewForm(url.Values{"date": {dayString(date)}, "time": {"14:00"}}))
}

func (h *Handlers) showApplication(w http.ResponseWriter, r *http.Request, status int, a *Application, f *web.Form) {
	ctx := r.Context()
	events, err := Events(ctx, h.DB, a.ID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, status, "civic/application.html", applicationPage{App: a, Age: Age(a.Birth, h.now()), Events: events,
		Moves: next[a.State], Reasons: web.CodeOptions("civic.reason.", DeclineReasons, "form.choose")}, f)
}

// ApplicationMove moves an application to another state (a decline with its
// coded reason), logging who did it: POST /civic/applications/{id}/state.
func (h *Handlers) ApplicationMove(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	a, err := ApplicationByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	to := f.Get("state")
	reason := ""
	if to == "declined" {
		if reason, err = codeField(f, "reason", DeclineReasons); err != nil {
			f.Fail("reason", "civic.application.reason_required")
		}
	}
	if to == "interview" || !CanMove(a.State, to) {
		f.Fail("state", "civic.application.cannot_move")
	}
	if f.Valid() {
		err = h.DB.Tx(ctx, func(tx *sql.Tx) error { return Move(ctx, tx, a, to, reason, time.Time{}, "", st.ID) })
		if errors.Is(err, ErrState) {
			f.Fail("state", "civic.application.cannot_move")
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.showApplication(w, r, http.StatusUnprocessableEntity, a, f)
		return
	}
	h.Flash(r, "civic.application.moved")
	http.Redirect(w, r, "/civic/applications/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}

// ApplicationInterview gives an application an interview (date, time, place)
// and tells the applicant: POST /civic/applications/{id}/interview.
func (h *Handlers) ApplicationInterview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	st := auth.Current(ctx)
	a, err := ApplicationByID(ctx, h.DB, st.Scope(), web.PathID(r, "id"))
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	f.Required("date", "time", "place")
	f.MaxLength("place", 300)
	ant, err := org.AntennaByID(ctx, h.DB, allScope, a.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	loc, err := time.LoadLocation(ant.Timezone)
	if err != nil {
		loc = time.UTC
	}
	var at time.Time
	if f.Get("date") != "" && f.Get("time") != "" {
		at, err = time.ParseInLocation("2006-01-02 15:04", f.Get("date")+" "+f.Get("time"), loc)
		if err != nil {
			f.Fail("date", "civic.date_bad")
		} else if at.Before(h.now()) {
			f.Fail("date", "civic.application.interview_past")
		}
	}
	if a.State != "new" && a.State != "interview" {
		f.Fail("date", "civic.application.cannot_move")
	}
	if f.Valid() {
		err = h.DB.Tx(ctx, func(tx *sql.Tx) error {
			if err := Move(ctx, tx, a, "interview", "", at, f.Get("place"), st.ID); err != nil {
				return err
			}
			p := i18n.For(a.Lang)
			body, err := messages.Wording(ctx, tx, a.AntennaID, p.Lang, "civic.sms_interview", "name", a.FirstName, "title", a.OfferTitle,
				"date", web.FormatDate(p, at), "time", at.Format("15:04"), "place", f.Get("place"), "antenna", ant.Name, "phone", ant.Phone)
			if err != nil {
				return err
			}
			return h.tellApplicant(ctx, tx, a, "interview", body, p.T("civic.email_subject_interview", "title", a.OfferTitle), st.ID)
		})
		if errors.Is(err, ErrState) {
			f.Fail("date", "civic.application.cannot_move")
		} else if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.showApplication(w, r, http.StatusUnprocessableEntity, a, f)
		return
	}
	h.Flash(r, "civic.application.interview_set")
	http.Redirect(w, r, "/civic/applications/"+strconv.FormatInt(a.ID, 10), http.StatusSeeOther)
}
