package volunteers

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// shiftNews are the catalog keys of each news about a shift: the SMS (or email
// body) and the email's subject.
var shiftNews = map[string][2]string{
	"promoted":  {"volunteers.sms_promoted", "volunteers.email_subject_promoted"},
	"cancelled": {"volunteers.sms_cancelled", "volunteers.email_subject_cancelled"},
	"reminder":  {"volunteers.sms_reminder", "volunteers.email_subject_reminder"},
	"hours":     {"volunteers.sms_hours", "volunteers.email_subject_hours"},
	"invited":   {"volunteers.sms_invited", "volunteers.email_subject_invited"},
	"moved":     {"volunteers.sms_moved", "volunteers.email_subject_moved"},
}

// The volunteers' messages that managers may reword for their antenna.
func init() {
	shift := []string{"name", "mission", "date", "time"}
	sample := map[string]string{"name": "Samir", "mission": "Atelier du mardi", "date": "mardi 8 décembre 2026", "time": "14:00",
		"antenna": "Lille", "phone": "+33 3 20 00 00 01", "minutes": "30"}
	link := "https://tremplin.example/volunteer/shifts"
	for news, label := range map[string]string{"reminder": "volunteers.template_reminder", "promoted": "volunteers.template_promoted",
		"cancelled": "volunteers.template_cancelled", "hours": "volunteers.template_hours", "invited": "volunteers.template_invited",
		"moved": "volunteers.template_moved"} {
		messages.Register(messages.Template{Key: shiftNews[news][0], Label: label, Placeholders: shift, Sample: sample, Link: link})
	}
	messages.Register(
		messages.Template{Key: "volunteers.sms.joined", Label: "volunteers.template_joined", Placeholders: []string{"name", "antenna"}, Sample: sample},
		messages.Template{Key: "volunteers.sms.validated", Label: "volunteers.template_validated", Placeholders: []string{"name", "antenna"},
			Sample: sample, Link: "https://tremplin.example/volunteer/login?lang=fr"},
		messages.Template{Key: "volunteers.sms.declined", Label: "volunteers.template_declined", Placeholders: []string{"name", "antenna", "phone"},
			Sample: sample},
	)
}

// tell is the Tell of the handlers: the volunteer's messages in their language,
// by SMS when they gave a phone and by email when they gave an address.
func (h *Handlers) tellShift(ctx context.Context, tx *sql.Tx, news string, volunteerID int64, s *Shift) error {
	if h.Outbox == nil {
		return nil
	}
	v, err := volunteerIn(ctx, tx, volunteerID)
	if err != nil {
		return err
	}
	texts, err := messages.LoadTexts(ctx, tx, s.AntennaID)
	if err != nil {
		return err
	}
	ms := shiftMessages(texts, v, s, news, h.BaseURL, h.now())
	if news == "invited" { // once per shift and person
		for i := range ms {
			ms[i].Dedupe = dedupe(news, s, v.ID, "", ms[i].Channel)
		}
	}
	_, err = h.Outbox.Add(ctx, tx, ms...)
	return err
}

// volunteerIn reads the contact of a volunteer within tx.
func volunteerIn(ctx context.Context, tx *sql.Tx, id int64) (*Volunteer, error) {
	v := &Volunteer{ID: id}
	err := tx.QueryRowContext(ctx, "SELECT antenna_id, first_name, last_name, phone, email, lang FROM volunteers WHERE id = $1", id).
		Scan(&v.AntennaID, &v.FirstName, &v.LastName, &v.Phone, &v.Email, &v.Lang)
	return v, err
}

// shiftMessages composes one news about s for v, in the antenna's wording
// when it has its own.
func shiftMessages(texts *messages.Texts, v *Volunteer, s *Shift, news, baseURL string, now time.Time) []messages.Message {
	keys := shiftNews[news]
	pr := i18n.For(v.Lang)
	when := pr.T("weekday."+strconv.Itoa(int(s.StartsAt.Weekday()))) + " " + web.FormatDate(pr, s.StartsAt)
	clock := s.StartsAt.Format("15:04")
	body := texts.T(s.AntennaID, pr.Lang, keys[0], "name", v.FirstName, "mission", s.Title, "date", when, "time", clock)
	link := baseURL + "/volunteer/shifts"
	if news == "hours" {
		link = baseURL + "/volunteer/shifts#past"
	}
	base := messages.Message{Antenna: s.AntennaID, Kind: "volunteer_" + news, Lang: pr.Lang, Body: body, Link: link,
		RefKind: "volunteer_shift", RefID: s.ID, ToName: v.FirstName + " " + v.LastName}
	switch news {
	case "reminder", "promoted", "invited":
		base.Expires = s.StartsAt
	case "cancelled", "moved":
		y1, m1, d1 := now.In(s.StartsAt.Location()).Date()
		y2, m2, d2 := s.StartsAt.Date()
		base.Urgent = y1 == y2 && m1 == m2 && d1 == d2
	}
	var out []messages.Message
	if v.Phone != "" {
		m := base
		m.Channel, m.To = messages.SMS, v.Phone
		out = append(out, m)
	}
	if v.Email != "" {
		m := base
		m.Channel, m.To = messages.Email, v.Email
		m.Subject = pr.T(keys[1], "mission", s.Title, "date", when, "time", clock)
		out = append(out, m)
	}
	if len(out) == 0 {
		m := base
		m.Channel = messages.SMS
		out = append(out, m)
	}
	return out
}

// dedupe is the key that queues a planned news once per shift, start and channel.
func dedupe(news string, s *Shift, v int64, rule string, ch messages.Channel) string {
	return fmt.Sprintf("volunteer:%s:%d:%d:%d:%s:%s", news, s.ID, v, s.StartsAt.Unix(), rule, ch)
}
