package appointments

import (
	"database/sql"
	"errors"
	"net/http"

	"tremplin/internal/messages"
	"tremplin/internal/platform/db"
)

// replyPage is the page a person reaches from the link in their messages.
type replyPage struct {
	A            *Appointment
	Token        string
	Open         bool // the link still takes an answer
	Answered     bool
	AntennaPhone string
}

// reply reads the link and its appointment; false when it answered already.
func (h *Handlers) reply(w http.ResponseWriter, r *http.Request) (*replyPage, bool) {
	ctx := r.Context()
	link, err := messages.ReplyByToken(ctx, h.DB, "appointment", r.PathValue("token"))
	if errors.Is(err, db.ErrNotFound) {
		h.Render.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return nil, false
	}
	a, err := scan(h.DB.QueryRowContext(ctx, "SELECT "+columns+from+" WHERE a.id = $1 AND a.learner_id = $2", link.RefID, link.LearnerID))
	if err != nil {
		h.Render.Fail(w, r, err) // a link always has its appointment
		return nil, false
	}
	page := &replyPage{A: a, Token: link.Token, Open: link.Open(h.now()), Answered: link.Answer != ""}
	h.DB.QueryRowContext(ctx, "SELECT phone FROM antennas WHERE id = $1", a.AntennaID).Scan(&page.AntennaPhone)
	return page, true
}

// Reply shows the person their appointment and a button to say they cannot
// come: GET /a/{token}. No account, no JavaScript; a link past its appointment
// says so and gives the antenna's phone.
func (h *Handlers) Reply(w http.ResponseWriter, r *http.Request) {
	page, ok := h.reply(w, r)
	if !ok {
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.Render.Render(w, r, http.StatusOK, "appointments/reply.html", page, nil)
}

// CannotCome cancels the appointment at the person's word, which frees the
// adviser's time, and stops its reminders: POST /a/{token}.
func (h *Handlers) CannotCome(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	page, ok := h.reply(w, r)
	if !ok {
		return
	}
	if page.Open && !page.A.Cancelled() {
		now := h.now()
		err := h.DB.Tx(ctx, func(tx *sql.Tx) error {
			ok, err := messages.Answer(ctx, tx, page.Token, "cannot_come", now)
			if err != nil || !ok {
				return err
			}
			if _, err := cancel(ctx, tx, page.A.ID, "person"); err != nil {
				return err
			}
			_, err = tx.ExecContext(ctx, `UPDATE appointments SET outcome = 'excused', updated_at = $1 WHERE id = $2`, db.Now(), page.A.ID)
			if err != nil {
				return err
			}
			if err := messages.Cancel(ctx, tx, "appointment", page.A.ID, 0); err != nil {
				return err
			}
			return h.changed(ctx, tx, page.A)
		})
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if h.Log != nil {
			h.Log.InfoContext(ctx, "appointment cancelled by the person", "appointment_id", page.A.ID, "staff_id", page.A.StaffID)
		}
	}
	http.Redirect(w, r, "/a/"+page.Token, http.StatusSeeOther)
}
