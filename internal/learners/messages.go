package learners

import (
	"net/http"
	"strconv"
	"time"

	"tremplin/internal/appointments"
	"tremplin/internal/platform/db"
)

// Messages turns messages to the person off or on at their word to staff (they
// may also answer STOP to an SMS): POST /learners/{id}/messages with messages=off
// or on. Off takes effect at once: what is queued is dropped when its turn comes.
func (h *Handlers) Messages(w http.ResponseWriter, r *http.Request) {
	l, f, ok := h.LoadForm(w, r)
	if !ok {
		return
	}
	var err error
	switch f.Get("messages") {
	case "off":
		_, err = h.DB.Exec(r.Context(), `UPDATE learners SET messages_off_at = $1, messages_off_by = 'staff'
			WHERE id = $2 AND messages_off_at = ''`, db.FormatTime(time.Now()), l.ID)
	case "on":
		_, err = h.DB.Exec(r.Context(), `UPDATE learners SET messages_off_at = '', messages_off_by = '' WHERE id = $1`, l.ID)
	}
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Flash(r, "saved")
	http.Redirect(w, r, "/learners/"+strconv.FormatInt(l.ID, 10)+"#messages", http.StatusSeeOther)
}

// Past reports whether an appointment has begun, when its outcome may be recorded.
func (d *fileData) Past(a *appointments.Appointment) bool { return a.Past(time.Now()) }
