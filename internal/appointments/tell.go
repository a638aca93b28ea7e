package appointments

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// What a message about an appointment announces, and the catalog keys of its SMS
// (or email body) and email subject.
type news struct{ kind, body, subject string }

var (
	newsBooked    = news{"booked", "appointment.sms_booked", "appointment.email_subject_booked"}
	newsCancelled = news{"cancelled", "appointment.sms_cancelled", "appointment.email_subject_cancelled"}
	newsReminder  = news{"reminder", "appointment.sms_reminder", "appointment.email_subject_reminder"}
	// The person moved it from their booking link.
	newsMoved = news{"moved", "appointment.sms_moved", "appointment.email_subject_moved"}
)

// whereKeys say how a meeting not at a place happens.
var whereKeys = map[string]string{"phone": "appointment.where_phone", "video": "appointment.where_video"}

// tell writes the person's messages about a, in their language: an SMS when they
// have a phone, an email when they gave one. Booking and reminders carry the link
// to say "I cannot come"; a cancellation made the same day may go during quiet
// hours.
func (h *Handlers) tell(ctx context.Context, tx *sql.Tx, p *person, a *Appointment, n news, by int64) []messages.Message {
	texts, err := messages.LoadTexts(ctx, tx, p.AntennaID)
	if err != nil && h.Log != nil {
		h.Log.WarnContext(ctx, "antenna's message texts unreadable: the defaults go", "err", err)
	}
	return compose(ctx, tx, texts, h.BaseURL, h.now(), p, a, n, by)
}

// The messages' words that managers may change for their antenna.
func init() {
	placeholders := []string{"name", "adviser", "kind", "weekday", "date", "time", "where", "antenna", "phone"}
	sample := map[string]string{"name": "Amina", "adviser": "Karim Benhaddou", "kind": "premier contact", "weekday": "mardi",
		"date": "8 décembre 2026", "time": "14:30", "where": "Centre social des Moulins, 12 rue d'Arras, 59000 Lille",
		"antenna": "Lille", "phone": "+33 3 20 00 00 01"}
	link := "https://tremplin.example/a/abcdefghijkl"
	messages.Register(
		messages.Template{Key: newsBooked.body, Label: "appointment.template_booked", Placeholders: placeholders, Sample: sample,
			TailKey: "appointment.sms_cannot_come", Link: link},
		messages.Template{Key: newsReminder.body, Label: "appointment.template_reminder", Placeholders: placeholders, Sample: sample,
			TailKey: "appointment.sms_cannot_come", Link: link},
		messages.Template{Key: newsCancelled.body, Label: "appointment.template_cancelled", Placeholders: placeholders, Sample: sample},
		messages.Template{Key: newsMoved.body, Label: "appointment.template_moved", Placeholders: placeholders, Sample: sample,
			TailKey: "appointment.sms_cannot_come", Link: link},
		messages.Template{Key: "appointment.sms_link", Label: "appointment.template_link",
			Placeholders: []string{"name", "kind", "antenna", "date", "time"},
			Sample:       map[string]string{"name": "Amina", "kind": "premier contact", "antenna": "Lille", "date": "15 décembre 2026", "time": "18:00"},
			Link:         "https://tremplin.example/b/abcdefghijkl?lang=fr"},
	)
}

func compose(ctx context.Context, tx *sql.Tx, texts *messages.Texts, baseURL string, now time.Time, p *person, a *Appointment, n news, by int64) []messages.Message {
	pr := i18n.For(p.Lang)
	where := a.PlaceName + ", " + a.PlaceAddress
	if key, ok := whereKeys[a.Mode]; ok {
		where = pr.T(key)
	}
	body := texts.T(p.AntennaID, pr.Lang, n.body, "name", p.FirstName, "adviser", a.StaffName,
		"kind", pr.T("appointment.kind."+a.Kind), "date", web.FormatDate(pr, a.StartsAt),
		"weekday", pr.T("weekday."+strconv.Itoa(int(a.StartsAt.Weekday()))),
		"time", a.StartsAt.Format("15:04"), "where", where, "antenna", p.AntennaName, "phone", p.AntennaPhone)
	link := ""
	if n != newsCancelled {
		if token, err := messages.ReplyLink(ctx, tx, p.ID, "appointment", a.ID, a.StartsAt); err == nil {
			link = baseURL + "/a/" + token
			body += " " + pr.T("appointment.sms_cannot_come")
		}
	}
	if a.Mode == "video" && n != newsCancelled {
		// The video link on a line of its own, then the reply link.
		if link != "" {
			link = a.VideoURL + "\n" + link
		} else {
			link = a.VideoURL
		}
	}
	base := messages.Message{Antenna: p.AntennaID, Learner: p.ID, Kind: "appointment_" + n.kind, Lang: pr.Lang,
		Body: body, Link: link, RefKind: "appointment", RefID: a.ID, By: by, ToName: p.FirstName + " " + p.LastName}
	if n != newsCancelled {
		base.Expires = a.StartsAt
	}
	if n == newsCancelled {
		// Told even at night when it was for today: better than a wasted journey.
		y1, m1, d1 := now.In(a.StartsAt.Location()).Date()
		y2, m2, d2 := a.StartsAt.Date()
		base.Urgent = y1 == y2 && m1 == m2 && d1 == d2
	}
	var out []messages.Message
	if p.Phone != "" {
		m := base
		m.Channel, m.To = messages.SMS, p.Phone
		out = append(out, m)
	}
	if p.Email != "" {
		m := base
		m.Channel, m.To = messages.Email, p.Email
		m.Subject = pr.T(n.subject, "date", web.FormatDate(pr, a.StartsAt), "time", a.StartsAt.Format("15:04"))
		out = append(out, m)
	}
	if len(out) == 0 {
		// Kept, dropped, so that the file says the person could not be told.
		m := base
		m.Channel = messages.SMS
		out = append(out, m)
	}
	return out
}
