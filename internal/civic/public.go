package civic

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"tremplin/internal/messages"
	"tremplin/internal/org"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/check"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// Public lists the published offers, for anyone: GET /service-civique.
func (h *Handlers) Public(w http.ResponseWriter, r *http.Request) {
	page, offset := web.PageOf(r, pageSize)
	list, err := Published(r.Context(), h.DB, h.now(), pageSize+1, offset)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	more := len(list) > pageSize
	list = list[:min(len(list), pageSize)]
	h.Render.Render(w, r, http.StatusOK, "civic/public.html", struct {
		Offers []*Offer
		Pager  web.Pager
	}{list, web.NewPager(r, page, more)}, nil)
}

type applyPage struct {
	Offer *Offer
	End   time.Time
	Heard []web.Option
	YNs   []web.Option
}

// PublicOffer shows a published offer and its application form: GET /service-civique/{id}.
func (h *Handlers) PublicOffer(w http.ResponseWriter, r *http.Request) {
	o, err := PublishedByID(r.Context(), h.DB, web.PathID(r, "id"), h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.applyForm(w, r, http.StatusOK, o, web.NewForm(url.Values{"disability": {"no"}}))
}

func (h *Handlers) applyForm(w http.ResponseWriter, r *http.Request, status int, o *Offer, f *web.Form) {
	h.Render.Render(w, r, status, "civic/apply.html", applyPage{Offer: o, End: MissionEnd(o.Start, o.Months),
		Heard: web.CodeOptions("civic.heard.", Heard, "form.choose"), YNs: yesNo()}, f)
}

// clientKey is a hash of the address the request came from: enough to count
// applications per address, without keeping the address.
func clientKey(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	sum := sha256.Sum256([]byte("civic:" + host))
	return hex.EncodeToString(sum[:12])
}

// Apply stores an application and acknowledges it by SMS and email in the
// applicant's language: POST /service-civique/{id}. The form sent twice is done
// once (web.Once); an address sending more than ApplyLimit an hour is asked to
// wait.
func (h *Handlers) Apply(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := PublishedByID(ctx, h.DB, web.PathID(r, "id"), h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	f, ok := h.Render.Form(w, r)
	if !ok {
		return
	}
	p := i18n.FromContext(ctx)
	a := &Application{OfferID: o.ID, AntennaID: o.AntennaID, Lang: p.Lang}
	f.Required("first_name", "last_name", "birth_date", "disability")
	for _, n := range []string{"first_name", "last_name"} {
		f.MaxLength(n, 100)
	}
	f.MaxLength("message", 4000)
	f.MaxLength("availability", 1000)
	a.FirstName, a.LastName = f.Get("first_name"), f.Get("last_name")
	a.Message, a.Availability = f.Get("message"), f.Get("availability")
	if heard, err := codeField(f, "heard", Heard); err == nil {
		a.Heard = heard
	} else if heard != "" {
		f.Fail("heard", "civic.choose_bad")
	}
	ant, err := org.AntennaByID(ctx, h.DB, allScope, o.AntennaID)
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	if v := f.Get("phone"); v != "" {
		if n, ok := check.Phone(ant.Country, v); ok {
			a.Phone = n
		} else {
			f.Fail("phone", "civic.apply.phone_bad")
		}
	}
	if v := f.Get("email"); v != "" {
		if e, ok := check.Email(v); ok {
			a.Email = e
		} else {
			f.Fail("email", "civic.apply.email_bad")
		}
	}
	if f.Get("phone") == "" && f.Get("email") == "" {
		f.Fail("phone", "civic.apply.contact_required")
	}
	switch f.Get("disability") {
	case "yes":
		a.Disability = true
	case "no", "":
	default:
		f.Fail("disability", "civic.choose_bad")
	}
	if f.Get("birth_date") != "" {
		a.Birth = dateField(f, "birth_date")
		if !a.Birth.IsZero() {
			if key := Eligibility(a.Birth, o.Start, a.Disability, o.Minors); key != "" {
				f.Fail("birth_date", key)
			}
		}
	}
	if f.Valid() {
		limit := h.ApplyLimit
		if limit == 0 {
			limit = 30
		}
		key := clientKey(r)
		// Against the real clock, as created_at is stored (db.Now).
		n, err := RecentFrom(ctx, h.DB, key, time.Now().Add(-time.Hour), limit)
		if err != nil {
			h.Render.Fail(w, r, err)
			return
		}
		if n >= limit {
			f.Fail("first_name", "civic.apply.too_many")
		} else if err := h.DB.Tx(ctx, func(tx *sql.Tx) error {
			if err := Apply(ctx, tx, a, key); err != nil {
				return err
			}
			return h.acknowledge(ctx, tx, o, ant, a)
		}); err != nil {
			h.Render.Fail(w, r, err)
			return
		}
	}
	if !f.Valid() {
		h.applyForm(w, r, http.StatusUnprocessableEntity, o, f)
		return
	}
	http.Redirect(w, r, "/service-civique/"+strconv.FormatInt(o.ID, 10)+"/thanks", http.StatusSeeOther)
}

// Thanks says the application arrived: GET /service-civique/{id}/thanks.
func (h *Handlers) Thanks(w http.ResponseWriter, r *http.Request) {
	o, err := PublishedByID(r.Context(), h.DB, web.PathID(r, "id"), h.now())
	if err != nil {
		h.Render.Fail(w, r, err)
		return
	}
	h.Render.Render(w, r, http.StatusOK, "civic/thanks.html", o, nil)
}

// The applicants' messages that managers may reword for their antenna.
func init() {
	sample := map[string]string{"name": "Yasmine", "title": "Accompagner au numérique", "antenna": "Lille", "phone": "+33 3 20 00 00 01",
		"date": "8 décembre 2026", "time": "10:00", "place": "12 rue d'Arras, Lille"}
	messages.Register(
		messages.Template{Key: "civic.sms_received", Label: "civic.template_received", Placeholders: []string{"name", "title", "antenna", "phone"},
			Sample: sample},
		messages.Template{Key: "civic.sms_interview", Label: "civic.template_interview",
			Placeholders: []string{"name", "title", "date", "time", "place", "antenna", "phone"}, Sample: sample},
	)
}

// tellApplicant queues an SMS (when there is a phone) and an email (when there is
// an address) to an applicant, in their language.
func (h *Handlers) tellApplicant(ctx context.Context, tx *sql.Tx, a *Application, kind, body, subject string, by int64) error {
	base := messages.Message{Antenna: a.AntennaID, Kind: "civic_" + kind, Lang: a.Lang, Body: body,
		RefKind: "civic_application", RefID: a.ID, By: by, ToName: a.FirstName + " " + a.LastName}
	var out []messages.Message
	if a.Phone != "" {
		m := base
		m.Channel, m.To = messages.SMS, a.Phone
		out = append(out, m)
	}
	if a.Email != "" {
		m := base
		m.Channel, m.To, m.Subject = messages.Email, a.Email, subject
		out = append(out, m)
	}
	_, err := h.Outbox.Add(ctx, tx, out...)
	return err
}

func (h *Handlers) acknowledge(ctx context.Context, tx *sql.Tx, o *Offer, ant *org.Antenna, a *Application) error {
	p := i18n.For(a.Lang)
	body, err := messages.Wording(ctx, tx, a.AntennaID, p.Lang, "civic.sms_received", "name", a.FirstName, "title", o.Title,
		"antenna", ant.Name, "phone", ant.Phone)
	if err != nil {
		return err
	}
	return h.tellApplicant(ctx, tx, a, "received", body, p.T("civic.email_subject_received", "title", o.Title), 0)
}

// allScope reads an antenna for a visitor: the offer's, which is public.
var allScope = auth.Scope{All: true}
