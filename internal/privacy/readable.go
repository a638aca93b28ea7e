package privacy

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/web"
)

// Readable is everything held about a person as they read it, in their
// language: the rows of Held, section by section, codes given their words,
// ids their names. The page and the PDF print the same sections.
type Readable struct {
	ID        int64
	Lang, Dir string
	Name      string
	Title     string
	Intro     string
	None      string // what an empty section says
	Sections  []Section
}

// Section is one part of the readable export: a title and its items.
type Section struct {
	Key, Title string
	Items      []Item
}

// Item is one thing held: a heading (a date, a course), facts, and a text
// typed by someone (a note, a message).
type Item struct {
	Heading string
	Facts   []Fact
	Text    string
}

// Fact is a label and its value.
type Fact struct{ Label, Value string }

// covered are the tables that a section of the readable export presents;
// the rows of any other table of Held go to the "other data" section, so
// that a table added later is shown rather than left out.
var covered = []string{"learners", "learner_secondary_contacts", "learner_history", "learner_contacts", "learner_notes",
	"learner_followups", "registrations_held", "positioning_tests", "positioning_test_scores", "positioning_test_answers",
	"enrolments", "attendance", "appointments", "messages", "referral_people", "referral_events", "referral_notes",
	"donated_devices", "audit_events"}

// derived are tables of Held that hold nothing the person would read: the
// search index of their name (its words are left out as secrets, what is
// left says which antenna indexes them).
var derived = []string{"learner_keys", "learner_keys_state"}

// ReadableAccess gathers everything held about a learner (Held) into the
// sections the person reads, in their language (learners.lang).
func ReadableAccess(ctx context.Context, d *db.DB, learnerID int64, now time.Time) (*Readable, error) {
	held, err := Held(ctx, d, learnerID)
	if err != nil {
		return nil, err
	}
	if len(held["learners"]) == 0 {
		return nil, sql.ErrNoRows
	}
	l := held["learners"][0]
	p := i18n.For(str(l, "lang"))
	b := &builder{ctx: ctx, d: d, p: p, names: map[string]string{}}
	name := strings.Join(strings.Fields(str(l, "first_name")+" "+str(l, "last_name")), " ")
	r := &Readable{ID: learnerID, Lang: p.Lang, Dir: p.Dir(), Name: name, Title: p.T("privacy.access.title", "name", name),
		Intro: p.T("privacy.access.intro", "date", web.FormatDate(p, now.In(web.Paris)), "id", learnerID),
		None:  p.T("privacy.access.none")}
	add := func(key string, items []Item) {
		for i := range items {
			items[i].Facts = slices.DeleteFunc(items[i].Facts, func(f Fact) bool { return f.Value == "" })
		}
		r.Sections = append(r.Sections, Section{Key: key, Title: p.T("privacy.access.s." + key), Items: items})
	}

	// Identity and contact.
	who := Item{Facts: b.facts(l, []field{{"first_name", "register.first_name", ""}, {"last_name", "register.last_name", ""},
		{"phone", "register.phone", ""}, {"email", "register.email", ""}, {"birth_year", "register.birth_year", ""},
		{"gender", "register.gender", "learner.gender."}, {"postcode", "privacy.access.postcode", ""}, {"town", "privacy.access.town", ""},
		{"lang", "privacy.access.lang", "lang."}})}
	who.Facts = append(who.Facts, Fact{p.T("register.antenna"), b.name("antennas", l["antenna_id"])})
	items := []Item{who}
	for _, c := range held["learner_secondary_contacts"] {
		items = append(items, Item{Facts: []Fact{{b.code("learner.event.", "secondary_"+code(str(c, "kind"))), str(c, "value")},
			{p.T("privacy.access.since"), b.when(c["at"])}}})
	}
	add("identity", items)

	// Situation.
	sit := Item{Facts: b.facts(l, []field{{"languages", "learner.f_languages", "learner.lang."},
		{"french_level", "learner.f_french", "learner.french."}, {"situations", "learner.f_situations", "learner.situation."},
		{"equipment", "learner.f_equipment", "learner.equipment."}, {"availabilities", "learner.f_availabilities", "learner.availability."},
		{"heard_from", "learner.f_heard", "learner.heard."}, {"status", "learner.status_label", "learner.status."},
		{"status_reason", "privacy.access.status_reason", ""}, {"exited_on", "privacy.access.exited_on", ""}})}
	if v := l["wished_programme_id"]; v != nil {
		sit.Facts = append(sit.Facts, Fact{p.T("learner.f_programme"), b.name("programmes", v)})
	}
	add("situation", []Item{sit})

	// Consents.
	consent := Item{Text: str(l, "consent_text"),
		Facts: []Fact{{p.T("privacy.access.consent_at"), b.when(l["consent_at"])}}}
	items = []Item{consent}
	if l["messages_off_at"] != nil && str(l, "messages_off_at") != "" {
		items = append(items, Item{Heading: p.T("privacy.access.objection"), Facts: []Fact{{p.T("privacy.access.since"), b.when(l["messages_off_at"])},
			{p.T("privacy.access.by"), b.code("messages.off_by.", str(l, "messages_off_by"))}}})
	}
	add("consent", items)

	// Registration and the file's history.
	items = []Item{{Facts: []Fact{{p.T("privacy.access.registered"), b.when(l["created_at"])},
		{p.T("privacy.access.source"), b.code("walkin.source.", str(l, "source"))}}}}
	for _, h := range held["registrations_held"] {
		items = append(items, Item{Facts: []Fact{{p.T("privacy.access.held"), b.when(h["created_at"])},
			{p.T("privacy.access.decision"), b.code("privacy.access.decision.", str(h, "decision"))}, {p.T("privacy.access.decided_at"), b.when(h["decided_at"])}}})
	}
	for _, h := range sorted(held["learner_history"], "at") {
		what := b.code("learner.event.", str(h, "kind"))
		if s := b.code("learner.status.", str(h, "status")); s != "" && s != what {
			what += " — " + s
		}
		items = append(items, Item{Heading: b.when(h["at"]), Facts: []Fact{{p.T("privacy.access.what"), what},
			{p.T("privacy.access.by"), b.name("staff", h["staff_id"])}}, Text: str(h, "detail")})
	}
	add("registration", items)

	// Positioning results.
	items = nil
	for _, t := range sorted(held["positioning_tests"], "taken_at") {
		it := Item{Heading: b.when(t["taken_at"]), Facts: []Fact{{p.T("privacy.access.level"), b.code("learner.level.", str(t, "level"))},
			{p.T("privacy.access.percent"), str(t, "percent") + " %"}, {p.T("privacy.access.by"), b.name("staff", t["staff_id"])}}}
		answers := 0
		for _, a := range held["positioning_test_answers"] {
			if str(a, "test_id") == str(t, "id") {
				answers++
			}
		}
		it.Facts = append(it.Facts, Fact{p.T("privacy.access.answers"), strconv.Itoa(answers)})
		for _, s := range held["positioning_test_scores"] {
			if str(s, "test_id") == str(t, "id") {
				it.Facts = append(it.Facts, Fact{str(s, "competence"), str(s, "percent") + " %"})
			}
		}
		items = append(items, it)
	}
	add("positioning", items)

	// Courses and attendance.
	items = nil
	for _, e := range held["enrolments"] {
		items = append(items, Item{Heading: b.name("cohorts", e["cohort_id"]), Facts: []Fact{
			{p.T("privacy.access.state"), b.code("learner.enrolment.", str(e, "state"))}, {p.T("privacy.access.since"), b.when(e["since"])}}})
	}
	for _, a := range held["attendance"] {
		items = append(items, Item{Heading: b.name("meetings", a["meeting_id"]), Facts: []Fact{
			{p.T("learner.mark_label"), b.code("learner.mark.", str(a, "mark"))}, {p.T("privacy.access.by"), b.name("staff", a["marked_by"])}}})
	}
	add("training", items)

	// Appointments.
	items = nil
	for _, a := range sorted(held["appointments"], "starts_at") {
		it := Item{Heading: b.when(a["starts_at"]), Text: str(a, "note"), Facts: []Fact{
			{p.T("privacy.access.kind"), b.code("appointment.kind.", str(a, "kind"))}, {p.T("privacy.access.mode"), b.code("appointment.mode.", str(a, "mode"))},
			{p.T("privacy.access.with"), b.name("staff", a["staff_id"])}}}
		if str(a, "state") == "cancelled" {
			it.Facts = append(it.Facts, Fact{p.T("privacy.access.state"), b.code("appointment.", "state_cancelled_"+str(a, "cancelled_by"))})
		}
		if o := str(a, "outcome"); o != "" {
			it.Facts = append(it.Facts, Fact{p.T("appointment.outcome"), b.code("appointment.outcome.", o)})
		}
		items = append(items, it)
	}
	add("appointments", items)

	// Follow-up: contacts, notes, follow-ups after training.
	items = nil
	for _, c := range sorted(held["learner_contacts"], "at") {
		items = append(items, Item{Heading: b.when(c["at"]), Text: str(c, "note"), Facts: []Fact{
			{p.T("privacy.access.kind"), b.code("learner.contact.", str(c, "kind"))}, {p.T("privacy.access.by"), b.name("staff", c["staff_id"])}}})
	}
	for _, n := range sorted(held["learner_notes"], "at") {
		items = append(items, Item{Heading: b.when(n["at"]), Text: str(n, "body"), Facts: []Fact{
			{p.T("privacy.access.kind"), p.T("privacy.access.note")}, {p.T("privacy.access.by"), b.name("staff", n["staff_id"])}}})
	}
	for _, f := range held["learner_followups"] {
		items = append(items, Item{Heading: b.code("followup.milestone.", str(f, "milestone")), Text: str(f, "note"), Facts: []Fact{
			{p.T("followup.situation"), b.code("followup.situation.", str(f, "situation"))}, {p.T("privacy.access.when"), b.when(f["recorded_at"])},
			{p.T("privacy.access.by"), b.name("staff", f["staff_id"])}}})
	}
	add("followup", items)

	// Referrals by partners.
	items = nil
	for _, rp := range held["referral_people"] {
		it := Item{Heading: b.name("referrals", rp["referral_id"]), Facts: []Fact{{p.T("privacy.access.state"), b.code("partner.state.", str(rp, "state"))},
			{p.T("privacy.access.since"), b.when(rp["updated_at"])}}}
		items = append(items, it)
		for _, n := range held["referral_notes"] {
			if str(n, "person_id") == str(rp, "id") {
				items = append(items, Item{Heading: b.when(n["at"]), Text: str(n, "body"), Facts: []Fact{
					{p.T("privacy.access.by"), b.name("partner_contacts", n["contact_id"])}}})
			}
		}
		for _, e := range held["referral_events"] {
			if str(e, "person_id") == str(rp, "id") {
				by := b.name("staff", e["staff_id"])
				if e["contact_id"] != nil {
					by = b.name("partner_contacts", e["contact_id"])
				}
				items = append(items, Item{Heading: b.when(e["at"]), Facts: []Fact{{p.T("privacy.access.state"), b.code("partner.state.", str(e, "state"))},
					{p.T("privacy.access.by"), by}}})
			}
		}
	}
	add("referrals", items)

	// Messages sent to them.
	items = nil
	for _, m := range sorted(held["messages"], "created_at") {
		at := m["sent_at"]
		if str(m, "sent_at") == "" {
			at = m["created_at"]
		}
		text := str(m, "body")
		if s := str(m, "subject"); s != "" {
			text = s + "\n" + text
		}
		items = append(items, Item{Heading: b.when(at), Text: text, Facts: []Fact{
			{p.T("privacy.access.channel"), b.code("messages.channel.", str(m, "channel"))}, {p.T("privacy.access.to"), str(m, "recipient")},
			{p.T("privacy.access.state"), b.code("messages.state.", str(m, "state"))}}})
	}
	add("messages", items)

	// Devices given.
	items = nil
	for _, dv := range held["donated_devices"] {
		items = append(items, Item{Heading: str(dv, "label"), Facts: []Fact{{p.T("privacy.access.since"), b.when(dv["placed_on"])}}})
	}
	add("devices", items)

	// Who read or changed the file.
	items = nil
	for _, e := range sorted(held["audit_events"], "at") {
		by := b.name("staff", e["staff_id"])
		if e["staff_id"] != nil {
			by += " — " + b.code("role.", b.role(e["staff_id"]))
		} else if e["partner_contact_id"] != nil {
			by = b.name("partner_contacts", e["partner_contact_id"])
		}
		items = append(items, Item{Heading: b.when(e["at"]), Facts: []Fact{{p.T("privacy.access.who"), by},
			{p.T("privacy.access.what"), b.code("privacy.action.", str(e, "action"))}, {p.T("privacy.access.page"), str(e, "path")}}})
	}
	add("readers", items)

	// Anything else held: every row of a table no section above presents.
	items = nil
	var other []string
	for t := range held {
		if !slices.Contains(covered, t) && !slices.Contains(derived, t) {
			other = append(other, t)
		}
	}
	sort.Strings(other)
	for _, t := range other {
		for _, row := range held[t] {
			it := Item{Heading: t}
			var cols []string
			for c := range row {
				cols = append(cols, c)
			}
			sort.Strings(cols)
			for _, c := range cols {
				if f, ok := row[c].(Binary); ok {
					it.Facts = append(it.Facts, Fact{c, p.T("privacy.access.file", "kb", (len(f)+1023)/1024)})
					continue
				}
				if v := str(row, c); v != "" {
					it.Facts = append(it.Facts, Fact{c, b.when(v)})
				}
			}
			items = append(items, it)
		}
	}
	add("other", items)
	if b.err != nil {
		return nil, b.err
	}
	return r, nil
}

// field is a column of the learner's row, its label's key and the prefix of
// its codes' words ("" for text as typed).
type field struct{ col, label, prefix string }

// builder turns stored values into what the person reads.
type builder struct {
	ctx   context.Context
	d     *db.DB
	p     i18n.Printer
	names map[string]string
	err   error
}

func (b *builder) facts(row map[string]any, fields []field) []Fact {
	var out []Fact
	for _, f := range fields {
		v := str(row, f.col)
		if v == "" || v == "0" && f.col == "birth_year" {
			continue
		}
		if f.prefix != "" {
			var words []string
			for _, c := range strings.Split(v, ",") {
				if c = strings.TrimSpace(c); c != "" {
					words = append(words, b.code(f.prefix, c))
				}
			}
			v = strings.Join(words, ", ")
		} else if strings.HasSuffix(f.col, "_on") {
			v = b.when(v)
		}
		out = append(out, Fact{b.p.T(f.label), v})
	}
	return out
}

// code is a code's word in the catalogs, or the code itself when they have none.
func (b *builder) code(prefix, c string) string {
	if c == "" {
		return ""
	}
	if w := b.p.T(prefix + c); w != prefix+c {
		return w
	}
	return c
}

// when writes a stored moment or day in the person's language.
func (b *builder) when(v any) string {
	s := str(map[string]any{"v": v}, "v")
	if s == "" {
		return ""
	}
	if t, ok := v.(time.Time); ok {
		return web.FormatDate(b.p, t.In(web.Paris)) + " " + t.In(web.Paris).Format("15:04")
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return web.FormatDate(b.p, t.In(web.Paris)) + " " + t.In(web.Paris).Format("15:04")
	}
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return web.FormatDate(b.p, t)
	}
	return s
}

// nameQueries name a record by its id, in the person's language where the
// record has words of its own ($2).
var nameQueries = map[string]string{
	"staff":            "SELECT name FROM staff WHERE id = $1",
	"antennas":         "SELECT name FROM antennas WHERE id = $1",
	"partner_contacts": "SELECT c.name || ' (' || o.name || ')' FROM partner_contacts c JOIN partner_orgs o ON o.id = c.org_id WHERE c.id = $1",
	"referrals":        "SELECT o.name FROM referrals r JOIN partner_orgs o ON o.id = r.org_id WHERE r.id = $1",
	"programmes":       "SELECT " + titled + " FROM programmes WHERE id = $1",
	"cohorts":          "SELECT " + titled + " || ' (' || c.starts_on || ')' FROM cohorts c JOIN programmes ON programmes.id = c.programme_id WHERE c.id = $1",
	"meetings":         "SELECT " + titled + ", m.starts_at FROM meetings m JOIN cohorts c ON c.id = m.cohort_id JOIN programmes ON programmes.id = c.programme_id WHERE m.id = $1",
}

// titled is a programme's title in the language $2, French when it has none.
const titled = "CASE $2 WHEN 'en' THEN COALESCE(NULLIF(programmes.title_en, ''), programmes.title) WHEN 'ar' THEN COALESCE(NULLIF(programmes.title_ar, ''), programmes.title) ELSE programmes.title END"

// name is a record's name ("" for none), looked up once.
func (b *builder) name(kind string, id any) string {
	if id == nil || str(map[string]any{"id": id}, "id") == "" {
		return ""
	}
	key := fmt.Sprint(kind, ":", id)
	if v, ok := b.names[key]; ok {
		return v
	}
	q := nameQueries[kind]
	args := []any{id}
	if strings.Contains(q, "$2") {
		args = append(args, b.p.Lang)
	}
	var v string
	var err error
	if kind == "meetings" {
		var at string
		err = b.d.QueryRowContext(b.ctx, q, args...).Scan(&v, &at)
		v += " — " + b.when(at)
	} else {
		err = b.d.QueryRowContext(b.ctx, q, args...).Scan(&v)
	}
	if err != nil && !errors.Is(err, sql.ErrNoRows) && b.err == nil {
		b.err = err
	}
	b.names[key] = v
	return v
}

// role is a staff member's role.
func (b *builder) role(id any) string {
	key := fmt.Sprint("role:", id)
	if v, ok := b.names[key]; ok {
		return v
	}
	var v string
	if err := b.d.QueryRowContext(b.ctx, "SELECT role FROM staff WHERE id = $1", id).Scan(&v); err != nil && !errors.Is(err, sql.ErrNoRows) && b.err == nil {
		b.err = err
	}
	b.names[key] = v
	return v
}

// str is a stored value as text.
func str(row map[string]any, col string) string {
	switch v := row[col].(type) {
	case nil:
		return ""
	case string:
		return v
	case []byte:
		return string(v)
	case time.Time:
		return v.UTC().Format(time.RFC3339)
	default:
		return fmt.Sprint(v)
	}
}

// code keeps a code to letters and underscores, for a catalog key.
func code(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r == '_' {
			return r
		}
		return -1
	}, s)
}

// sorted orders rows by a column holding moments, oldest first.
func sorted(rows []map[string]any, col string) []map[string]any {
	out := slices.Clone(rows)
	slices.SortStableFunc(out, func(a, b map[string]any) int { return strings.Compare(str(a, col), str(b, col)) })
	return out
}
