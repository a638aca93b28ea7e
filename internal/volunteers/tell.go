package volunteers

import (
	"context"
	"database/sql"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/i18n"
)

// note is one message to a volunteer: what it is (messages.Message.Kind), the
// catalog keys of its body and email subject, their words, and a link.
type note struct {
	kind, body, subject string
	args                []any
	link                string
	urgent              bool
	expires             time.Time
}

// tell queues a message to the volunteer, in their language, inside the
// change's transaction: an SMS when they have a phone, an email when they gave
// one.
func (h *Handlers) tell(ctx context.Context, tx *sql.Tx, v *Volunteer, n note) error {
	if h.Outbox == nil {
		return nil
	}
	p := i18n.For(v.Lang)
	body, err := messages.Wording(ctx, tx, v.AntennaID, p.Lang, n.body, append([]any{"name", v.FirstName}, n.args...)...)
	if err != nil {
		return err
	}
	base := messages.Message{Antenna: v.AntennaID, Kind: n.kind, Lang: p.Lang, ToName: v.FirstName + " " + v.LastName,
		Body: body, Link: n.link, Urgent: n.urgent, Expires: n.expires, RefKind: "volunteer", RefID: v.ID}
	if st := auth.Current(ctx); st != nil {
		base.By = st.ID
	}
	var out []messages.Message
	if v.Phone != "" {
		m := base
		m.Channel, m.To = messages.SMS, v.Phone
		out = append(out, m)
	}
	if v.Email != "" {
		m := base
		m.Channel, m.To, m.Subject = messages.Email, v.Email, p.T(n.subject)
		out = append(out, m)
	}
	_, err = h.Outbox.Add(ctx, tx, out...)
	return err
}
