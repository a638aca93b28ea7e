package demo

import (
	"cmp"
	"database/sql"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/calendar"
	"tremplin/internal/learners"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/i18n"
	"tremplin/internal/platform/notify"
	"tremplin/internal/platform/web"
)

// The generated association's interviews, the SMS that told people about them,
// the links they answer from, and the advisers' free slots (issue 10's tables), so
// that agendas, the learner file's messages and the no-show figures can be
// measured at national scale.
//
// genNow is the generated association's present (its activity stops there):
// interviews before it have happened and have their outcome; later ones are
// booked in the advisers' agendas for the weeks after. Every person contacted had a
// first interview a few days after; some a positioning or a follow-up one. On top of
// that flow, which at 100,000 people is a couple of interviews a week per adviser,
// the weeks around genNow are filled to a realistic load per adviser (15 to 45 a
// week), with people of the antenna whose path is under way.

var genNow = genEnd

// genBaseURL is the generated association's address, in the links its SMS carry.
const genBaseURL = "https://tremplin.generated.example"

// Working hours of interviews, in quarter-hours from 09:00 to 18:00 (the agenda's).
const (
	dayQuarters = 36
	firstHour   = 9
)

type genAntenna struct {
	name, phone string
	loc         *time.Location
	fr          bool // French public holidays apply
	places      []genPlace
}

type genPlace struct {
	id    int64
	where string // name, address, as an SMS says it
}

// genPerson is what messages and interviews need to know of a person.
type genPerson struct {
	id, antenna, adviser int64
	first, last, lang    string
	created              time.Time
	undeliverable        time.Time // the provider said the number cannot receive SMS
	// For the weeks around now: what an interview with them is about, how many
	// they were given, and their last message of the people step.
	kind    string
	uses    int
	lastMsg time.Time
	day     int // the day of their last interview of the weeks around now
}

// staffCal is an adviser's agenda: per day, the quarter-hours taken (a bit
// each) and the interviews booked.
type staffCal struct {
	busy  []uint64
	count []uint8
}

type genAppt struct {
	id, antenna, staff, place int64
	p                         *genPerson
	kind, mode, video         string
	start, end, booked        time.Time
	cancelled                 time.Time // zero unless cancelled
	cancelledBy               string
	outcome                   string
	outcomeAt                 time.Time
	token                     string // the reply link, if any
	answered                  time.Time
	msgs                      []genNews
}

// What a message about an appointment announces (the appointments package's
// news) and when it went.
type genNews struct {
	kind string // booked, reminder, cancelled
	at   time.Time
	a    *genAppt
}

var genNewsKeys = map[string]string{"booked": "appointment.sms_booked", "reminder": "appointment.sms_reminder",
	"cancelled": "appointment.sms_cancelled"}

type apptGen struct {
	g        *generator
	rng      *rand.Rand
	ants     map[int64]*genAntenna
	cal      map[int64]*staffCal
	holidays []bool // by day since genStart: a French public holiday
	days     int
	nowDay   int

	next struct{ appt, msg, slot int64 }
	// The batches of the step running: appointments, messages, reply links.
	ab, mb, kb *db.Batch

	cands map[int64][]*genPerson // per antenna, a sample of the people under way
	seen  map[int64]int
	// Past the people step, their rows are written: the numbers found
	// undeliverable then are flagged by an UPDATE.
	afterPeople bool
	flagged     []*genPerson

	appointments, messages, links, failed, slots int

	words map[string]string  // catalog words by language and key
	texts map[string]smsText // catalog SMS by language and key
	dates map[genDate]string // dates as the messages write them
}

// newApptGen draws from its own stream of the seed, so that adding interviews
// left the rest of a seed's association as it was.
func newApptGen(g *generator) *apptGen {
	return &apptGen{g: g, rng: rand.New(rand.NewPCG(uint64(g.o.Seed), 0x61707074)), ants: map[int64]*genAntenna{},
		cal: map[int64]*staffCal{}, cands: map[int64][]*genPerson{}, seen: map[int64]int{}, words: map[string]string{}, dates: map[genDate]string{},
		texts: map[string]smsText{}}
}

// load reads the places and the next ids, and lays out the advisers' agendas.
func (ag *apptGen) load() error {
	ctx, d := ag.g.ctx, ag.g.d
	err := db.Each(d.QueryContext(ctx, "SELECT id, antenna_id, name, address, postcode, city FROM places ORDER BY id"))(func(row db.Scanner) error {
		var id, antenna int64
		var name, address, postcode, city string
		if err := row.Scan(&id, &antenna, &name, &address, &postcode, &city); err != nil {
			return err
		}
		if a := ag.ants[antenna]; a != nil {
			a.places = append(a.places, genPlace{id, name + ", " + address + ", " + postcode + " " + city})
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, q := range []struct {
		table string
		dst   *int64
	}{{"appointments", &ag.next.appt}, {"messages", &ag.next.msg}, {"appointment_slots", &ag.next.slot}} {
		if err := d.QueryRowContext(ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM "+q.table).Scan(q.dst); err != nil {
			return err
		}
	}
	ag.nowDay = dayOf(genNow, time.UTC)
	ag.days = ag.nowDay + 70
	ag.holidays = make([]bool, ag.days)
	for y := genStart.Year(); y <= genNow.Year()+1; y++ {
		for _, h := range calendar.FrenchHolidays(y) {
			if d := dayOf(h.Date, time.UTC); d >= 0 && d < ag.days {
				ag.holidays[d] = true
			}
		}
	}
	for _, staff := range ag.g.staffByAnt {
		for _, s := range staff[1:] {
			ag.cal[s] = &staffCal{busy: make([]uint64, ag.days), count: make([]uint8, ag.days)}
		}
	}
	return nil
}

// dayOf numbers t's day in loc from genStart (a Monday).
func dayOf(t time.Time, loc *time.Location) int {
	y, m, d := t.In(loc).Date()
	return int(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Sub(genStart) / (24 * time.Hour))
}

// at is quarter-hour q of day d in loc.
func at(loc *time.Location, d, q int) time.Time {
	return time.Date(genStart.Year(), genStart.Month(), genStart.Day()+d, firstHour+q/4, (q%4)*15, 0, 0, loc)
}

func (ag *apptGen) workday(a *genAntenna, d int) bool {
	return d >= 0 && d < ag.days && d%7 < 5 && !(a.fr && ag.holidays[d])
}

func (c *staffCal) free(d, q, dur int) bool { return c.busy[d]&(((1<<dur)-1)<<q) == 0 }

func (c *staffCal) take(d, q, dur int) {
	c.busy[d] |= ((1 << dur) - 1) << q
	c.count[d]++
}

// freeAt finds a free start of dur quarter-hours in an adviser's day, from a
// random one on.
func (ag *apptGen) freeAt(c *staffCal, d, dur int) (int, bool) {
	n := dayQuarters - dur + 1
	q0 := ag.rng.IntN(n)
	for k := range n {
		if q := (q0 + k) % n; c.free(d, q, dur) {
			return q, true
		}
	}
	return 0, false
}

// duration of an interview, in quarter-hours: mostly 45 minutes.
func (ag *apptGen) duration() int {
	switch r := ag.rng.IntN(100); {
	case r < 35:
		return 2
	case r < 80:
		return 3
	}
	return 4
}

// lang is a person's language for messages: French mostly.
func (ag *apptGen) lang() string {
	switch r := ag.rng.IntN(100); {
	case r < 10:
		return "ar"
	case r < 15:
		return "en"
	}
	return "fr"
}

// between is a moment in [lo, hi], on the antenna's working hours when one fits:
// when staff book.
func (ag *apptGen) between(lo, hi time.Time, loc *time.Location) time.Time {
	if !hi.After(lo) {
		return lo
	}
	t := lo.Add(time.Duration(ag.rng.Int64N(int64(hi.Sub(lo)))))
	l := t.In(loc)
	if l.Hour() >= firstHour && l.Hour() < 18 && l.Weekday() != time.Saturday && l.Weekday() != time.Sunday {
		return t
	}
	w := time.Date(l.Year(), l.Month(), l.Day(), firstHour+ag.rng.IntN(9), ag.rng.IntN(60), ag.rng.IntN(60), 0, loc)
	if w.Before(lo) || w.After(hi) {
		return t
	}
	return w
}

// book finds the person an interview between lo and hi with their adviser (or
// another of the antenna's when theirs is busy), booked at booked (or some days
// before, staff's choice, when zero); nil when none fits.
func (ag *apptGen) book(p *genPerson, kind string, lo, hi, booked time.Time) *genAppt {
	a := ag.ants[p.antenna]
	lo = later(lo, p.created.Add(24*time.Hour))
	d0, d1 := dayOf(lo, a.loc), min(dayOf(hi, a.loc), ag.days-1)
	if d1 < d0 || d0 < 0 {
		return nil
	}
	advisers := ag.g.staffByAnt[p.antenna][1:]
	dur := ag.duration()
	for try := range 24 {
		d := d0 + ag.rng.IntN(d1-d0+1)
		s := p.adviser
		if try >= 12 {
			s = advisers[ag.rng.IntN(len(advisers))]
		}
		if !ag.workday(a, d) {
			continue
		}
		c := ag.cal[s]
		q := ag.rng.IntN(dayQuarters - dur + 1)
		start := at(a.loc, d, q)
		if !c.free(d, q, dur) || start.Before(lo) || start.After(hi) {
			continue
		}
		b := booked
		if b.IsZero() {
			if b = ag.bookedFor(p, start, a.loc); b.IsZero() {
				return nil
			}
		}
		c.take(d, q, dur)
		return ag.interview(p, s, kind, start, start.Add(time.Duration(dur)*15*time.Minute), b)
	}
	return nil
}

// bookedFor is when staff booked an interview at start: some days before, after
// the person registered, never after now; zero when no such moment.
func (ag *apptGen) bookedFor(p *genPerson, start time.Time, loc *time.Location) time.Time {
	hi := earlier(start.Add(-20*time.Hour), genNow.Add(-time.Hour))
	lo := later(p.created.Add(time.Hour), hi.Add(-time.Duration(ag.rng.IntN(14))*24*time.Hour))
	if hi.Before(lo) {
		hi = earlier(start.Add(-time.Hour), genNow.Add(-time.Hour))
	}
	if hi.Before(lo) {
		return time.Time{}
	}
	return ag.between(lo, hi, loc)
}

// interview decides what became of an interview: where, whether it was
// cancelled, the person's link, the reminder, the outcome.
func (ag *apptGen) interview(p *genPerson, staff int64, kind string, start, end, booked time.Time) *genAppt {
	an := ag.ants[p.antenna]
	a := &genAppt{id: ag.next.appt, antenna: p.antenna, staff: staff, p: p, kind: kind, start: start, end: end, booked: booked}
	ag.next.appt++
	switch r := ag.rng.IntN(100); {
	case r < 75 && len(an.places) > 0:
		a.mode, a.place = "place", an.places[ag.rng.IntN(len(an.places))].id
	case r < 98:
		a.mode = "phone"
	default:
		a.mode, a.video = "video", "https://visio.generated.example/"+ag.token()
	}
	a.msgs = append(a.msgs, genNews{"booked", booked, a})
	upcoming := !start.Before(genNow)
	until := earlier(start, genNow) // when a change was still possible
	if ag.rng.IntN(100) < 7 && until.After(booked) {
		a.cancelled = booked.Add(time.Duration(ag.rng.Int64N(int64(until.Sub(booked)))))
		if ag.rng.IntN(100) < 40 {
			// From the link of their SMS: the appointments package then counts them excused.
			a.cancelledBy, a.answered, a.outcome, a.outcomeAt = "person", a.cancelled, "excused", a.cancelled
		} else {
			a.cancelledBy = "staff"
			a.msgs = append(a.msgs, genNews{"cancelled", a.cancelled, a})
		}
	}
	if a.cancelledBy == "person" || (upcoming && ag.rng.IntN(100) < 70) {
		a.token = ag.token()
		if a.cancelled.IsZero() && ag.rng.IntN(100) < 6 && genNow.After(booked) {
			a.cancelled = booked.Add(time.Duration(ag.rng.Int64N(int64(genNow.Sub(booked)))))
			a.cancelledBy, a.answered, a.outcome, a.outcomeAt = "person", a.cancelled, "excused", a.cancelled
		}
	}
	// One reminder, 48 hours before, or else on the morning when booked later;
	// only those already gone by now (later ones would be queued jobs).
	remind := start.Add(-48 * time.Hour)
	if !remind.After(booked) {
		l := start.In(an.loc)
		remind = time.Date(l.Year(), l.Month(), l.Day(), 8, 0, 0, 0, an.loc)
		if start.Sub(remind) < time.Hour || !remind.After(booked) {
			remind = time.Time{}
		}
	}
	reminded := false
	if !remind.IsZero() && remind.Before(genNow) && (a.cancelled.IsZero() || a.cancelled.After(remind)) && ag.rng.IntN(100) < 70 {
		a.msgs = append(a.msgs, genNews{"reminder", remind, a})
		reminded = true
	}
	if a.cancelled.IsZero() && !upcoming {
		// Advisers record the outcome after; the last two days' are not all in yet.
		if end.After(genNow.Add(-48*time.Hour)) && ag.rng.IntN(100) < 40 {
			return a
		}
		noShow := 24
		if reminded {
			noShow = 11
		}
		switch r := ag.rng.IntN(100); {
		case r < noShow:
			a.outcome = "no_show"
		case r < noShow+10:
			a.outcome = "excused"
		default:
			a.outcome = "came"
		}
		a.outcomeAt = earlier(end.Add(time.Duration(5+ag.rng.IntN(180))*time.Minute), genNow.Add(-time.Minute))
	}
	return a
}

// word is a catalog's words without placeholders, looked up once.
func (ag *apptGen) word(pr i18n.Printer, key string) string {
	k := pr.Lang + "\x00" + key
	w, ok := ag.words[k]
	if !ok {
		w = pr.T(key)
		ag.words[k] = w
	}
	return w
}

// genPlaceholders are the placeholders of an appointment's SMS, in the order
// smsText.fill takes their values (the appointments package's compose gives
// the same).
var genPlaceholders = []string{"name", "adviser", "kind", "date", "weekday", "time", "where", "antenna", "phone"}

// smsText is a catalog's SMS cut at its placeholders once, so that filling it
// for each of hundreds of thousands of messages is a few appends (i18n's T builds
// a strings.Replacer each time, most of the cost of a generated message).
type smsText []smsPart

type smsPart struct {
	lit string
	arg int // the value's index in genPlaceholders, -1 for words
}

func (t smsText) fill(vals ...string) string {
	var b strings.Builder
	for _, part := range t {
		if part.arg >= 0 {
			b.WriteString(vals[part.arg])
		} else {
			b.WriteString(part.lit)
		}
	}
	return b.String()
}

// sms is the catalog's text of key in pr's language, cut at its placeholders.
func (ag *apptGen) sms(pr i18n.Printer, key string) smsText {
	k := pr.Lang + "\x00" + key
	t, ok := ag.texts[k]
	if !ok {
		t = cutText(pr.T(key))
		ag.texts[k] = t
	}
	return t
}

// cutText cuts text at the placeholders of genPlaceholders; braces around
// anything else stay as they are, as i18n's T leaves them.
func cutText(text string) smsText {
	var t smsText
	for text != "" {
		i := strings.IndexByte(text, '{')
		j := strings.IndexByte(text[max(i, 0):], '}') + max(i, 0)
		if i < 0 || j < i {
			t = append(t, smsPart{text, -1})
			break
		}
		arg := slices.Index(genPlaceholders, text[i+1:j])
		if arg < 0 {
			t = append(t, smsPart{text[:i+1], -1})
			text = text[i+1:]
			continue
		}
		if i > 0 {
			t = append(t, smsPart{text[:i], -1})
		}
		t = append(t, smsPart{"", arg})
		text = text[j+1:]
	}
	return t
}

type genDate struct {
	lang string
	day  int
}

const tokenAlphabet = "abcdefghijklmnopqrstuvwxyz234567"

// token is a reply link's token as messages.ReplyLink makes them: twelve
// base-32 characters, here from the seed.
func (ag *apptGen) token() string {
	var b [12]byte
	v := ag.rng.Uint64()
	for i := range b {
		b[i] = tokenAlphabet[v&31]
		v >>= 5
	}
	return string(b[:])
}

// text is an SMS about a as it went out (messages.Message.Text): the catalog's
// words in the person's language, then the links on their own line.
func (ag *apptGen) text(n genNews) string {
	a, p := n.a, n.a.p
	an := ag.ants[a.antenna]
	pr := i18n.For(p.lang)
	l := a.start.In(an.loc)
	where := ""
	switch a.mode {
	case "place":
		for _, pl := range an.places {
			if pl.id == a.place {
				where = pl.where
			}
		}
	default:
		where = ag.word(pr, map[string]string{"phone": "appointment.where_phone", "video": "appointment.where_video"}[a.mode])
	}
	date := genDate{p.lang, dayOf(l, an.loc)}
	if ag.dates[date] == "" {
		ag.dates[date] = web.FormatDate(pr, l)
	}
	body := ag.sms(pr, genNewsKeys[n.kind]).fill(p.first, ag.g.staffName[a.staff], ag.word(pr, "appointment.kind."+a.kind), ag.dates[date],
		ag.word(pr, "weekday."+strconv.Itoa(int(l.Weekday()))), l.Format("15:04"), where, an.name, an.phone)
	link := ""
	if n.kind != "cancelled" {
		if a.token != "" {
			link = genBaseURL + "/a/" + a.token
			body += " " + ag.word(pr, "appointment.sms_cannot_come")
		}
		if a.video != "" {
			// The video link on a line of its own, then the reply link.
			if link != "" {
				link = a.video + "\n" + link
			} else {
				link = a.video
			}
		}
	}
	text := notify.ForLanguage(p.lang, body)
	if link != "" {
		text += "\n" + link
	}
	return text
}

// write writes a person's interviews of one step and their messages, the
// messages in the order they went: a number the provider said undeliverable
// fails every later SMS (the Sender checks before sending). mayFlag says
// whether a failure may still flag the number (the person's row is written
// after, or the flag is written by an UPDATE).
func (ag *apptGen) write(list []*genAppt, mayFlag func(time.Time) bool) error {
	var news []genNews
	for _, a := range list {
		news = append(news, a.msgs...)
	}
	slices.SortStableFunc(news, func(x, y genNews) int { return x.at.Compare(y.at) })
	for _, n := range news {
		if err := ag.message(n, mayFlag); err != nil {
			return err
		}
	}
	for _, a := range list {
		if err := ag.appointment(a); err != nil {
			return err
		}
	}
	return nil
}

func (ag *apptGen) message(n genNews, mayFlag func(time.Time) bool) error {
	a, p := n.a, n.a.p
	loc := ag.ants[a.antenna].loc
	send := n.at
	urgent := false
	if n.kind == "cancelled" {
		// A same-day change goes even at night.
		ys, ms, ds := a.start.In(loc).Date()
		yn, mn, dn := send.In(loc).Date()
		urgent = ys == yn && ms == mn && ds == dn
	}
	if l := send.In(loc); !urgent && (l.Hour() < 8 || l.Hour() >= 20) {
		// Quiet hours: the Sender holds the SMS until 08:00.
		day := l
		if l.Hour() >= 20 {
			day = l.AddDate(0, 0, 1)
		}
		send = time.Date(day.Year(), day.Month(), day.Day(), 8, 0, 0, 0, loc)
	}
	if !send.Before(genNow) {
		return nil // it would still be queued, with its job
	}
	if !ag.afterPeople && send.After(p.lastMsg) {
		p.lastMsg = send
	}
	expires := ""
	if n.kind != "cancelled" {
		expires = db.FormatTime(a.start)
	}
	state, reason, provider, sentAt, updated, attempts, counted := "delivered", "", "", "", send, 1, ""
	second := func(lo, n int) time.Duration { return time.Duration(lo+ag.rng.IntN(n)) * time.Second }
	switch {
	case expires != "" && !send.Before(a.start):
		state, reason, attempts = "dropped", "late", 0
	case !p.undeliverable.IsZero() && !send.Before(p.undeliverable):
		state, reason, attempts = "failed", "undeliverable", 0
	case !send.Before(genNow.AddDate(0, 0, -7)) && ag.rng.IntN(100) < 4:
		// The last week's few failures, for staff to see.
		state, counted = "failed", send.In(loc).Format(time.DateOnly)
		if mayFlag(send) && ag.rng.IntN(100) < 60 {
			reason, provider, sentAt = "undeliverable", ag.providerID(), db.FormatTime(send.Add(second(1, 30)))
			updated = send.Add(second(60, 900))
			p.undeliverable = updated
			if ag.afterPeople {
				ag.flagged = append(ag.flagged, p)
			}
		} else {
			reason, updated = "refused", send.Add(second(1, 5))
		}
		ag.failed++
	default:
		sent := send.Add(second(1, 30))
		provider, sentAt, counted, updated = ag.providerID(), db.FormatTime(sent), send.In(loc).Format(time.DateOnly), sent
		if ag.rng.IntN(100) < 92 {
			updated = sent.Add(second(3, 120))
		} else {
			state = "sent" // no delivery receipt came
		}
	}
	text := ag.text(n)
	_, _, segments := notify.Segments(text)
	var by any
	if n.kind != "reminder" {
		by = a.staff
	}
	ag.messages++
	ag.next.msg++
	return ag.mb.Add(ag.next.msg-1, a.antenna, p.id, "sms", "appointment_"+n.kind, p.lang, phoneOf(p.id), p.first+" "+p.last,
		text, segments, urgent, db.FormatTime(send), expires, "appointment", a.id, state, reason, provider, attempts, counted,
		by, db.FormatTime(n.at), sentAt, db.FormatTime(updated))
}

func (ag *apptGen) providerID() string {
	return "gen" + strconv.FormatUint(ag.rng.Uint64(), 36)
}

func (ag *apptGen) appointment(a *genAppt) error {
	state, updated := "booked", a.booked
	if !a.cancelled.IsZero() {
		state, updated = "cancelled", a.cancelled
	}
	if !a.outcomeAt.IsZero() {
		updated = a.outcomeAt
	}
	var place any
	if a.place != 0 {
		place = a.place
	}
	ag.appointments++
	if err := ag.ab.Add(a.id, a.antenna, a.p.id, a.staff, a.kind, a.mode, place, a.video, db.FormatTime(a.start), db.FormatTime(a.end),
		state, a.cancelledBy, a.outcome, a.staff, db.FormatTime(a.booked), db.FormatTime(updated)); err != nil {
		return err
	}
	if a.token == "" {
		return nil
	}
	answer, answered := "", ""
	if !a.answered.IsZero() {
		answer, answered = "cannot_come", db.FormatTime(a.answered)
	}
	ag.links++
	return ag.kb.Add(a.token, a.p.id, "appointment", a.id, db.FormatTime(a.start), answer, answered, db.FormatTime(a.booked))
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func phoneOf(learner int64) string {
	return "+336" + strconv.FormatInt(100_000_000+learner%100_000_000, 10)[1:]
}

// batches starts the step's batches, handing them to emit; held ones wait for
// the people they refer to.
func (ag *apptGen) batches(emit func(db.BatchJob), hold bool) []*db.Batch {
	ag.ab = db.NewBatch(ag.g.ctx, nil, "appointments", "id", "antenna_id", "learner_id", "staff_id", "kind", "mode", "place_id", "video_url",
		"starts_at", "ends_at", "state", "cancelled_by", "outcome", "created_by", "created_at", "updated_at")
	ag.mb = db.NewBatch(ag.g.ctx, nil, "messages", "id", "antenna_id", "learner_id", "channel", "kind", "lang", "recipient", "recipient_name",
		"body", "segments", "urgent", "send_at", "expires_at", "ref_kind", "ref_id", "state", "reason", "provider_id", "attempts", "counted_on",
		"created_by", "created_at", "sent_at", "updated_at")
	ag.mb.PerStatement(500)
	ag.kb = db.NewBatch(ag.g.ctx, nil, "reply_links", "token", "learner_id", "ref_kind", "ref_id", "expires_at", "answer", "answered_at", "created_at")
	bs := []*db.Batch{ag.ab, ag.mb, ag.kb}
	for _, b := range bs {
		if hold {
			b.Hold()
		}
		b.Emit(emit, ag.g.d.Engine == db.Postgres)
	}
	return bs
}

// person books the interviews of a person's path as the people step made it:
// the first one a few days after they were contacted (before their positioning
// test), a positioning one for some, a follow-up three months after the end of
// their course for some. It returns when their number was found undeliverable
// ("" when not).
func (ag *apptGen) person(p *genPerson, status string, contacted, tested, exited time.Time) (string, error) {
	var list []*genAppt
	if !contacted.IsZero() {
		hi := contacted.Add(7 * 24 * time.Hour)
		if !tested.IsZero() {
			hi = earlier(hi, tested.Add(-2*time.Hour))
		}
		if a := ag.book(p, "first_contact", contacted.Add(20*time.Hour), hi, contacted); a != nil {
			list = append(list, a)
		}
	}
	if !tested.IsZero() && ag.rng.IntN(100) < 35 {
		if a := ag.book(p, "positioning", tested.Add(-48*time.Hour), tested.Add(4*time.Hour), time.Time{}); a != nil {
			list = append(list, a)
		}
	}
	if !exited.IsZero() && ag.rng.IntN(100) < 30 {
		lo, hi := exited.AddDate(0, 0, 80), earlier(exited.AddDate(0, 0, 100), genNow.AddDate(0, 0, 28))
		if a := ag.book(p, "follow_up", lo, hi, time.Time{}); a != nil {
			list = append(list, a)
		}
	}
	if err := ag.write(list, func(time.Time) bool { return true }); err != nil {
		return "", err
	}
	ag.candidate(p, status, exited)
	if p.undeliverable.IsZero() {
		return "", nil
	}
	return db.FormatTime(p.undeliverable), nil
}

// candidate keeps a sample of each antenna's people whose path is under way at
// now, for the interviews of the weeks around it.
func (ag *apptGen) candidate(p *genPerson, status string, exited time.Time) {
	recent := p.created.After(genNow.AddDate(-1, 0, 0)) && p.created.Before(genNow.Add(-24*time.Hour))
	switch status {
	case learners.Contacted:
		p.kind = "positioning"
	case learners.Positioned, learners.Waitlisted:
		p.kind = "follow_up"
	case learners.Enrolled, learners.InTraining:
		p.kind, recent = "follow_up", true
	case learners.Completed, learners.Certified, learners.Dropped:
		p.kind, recent = "follow_up", exited.After(genNow.AddDate(-1, 0, 0))
	default:
		return
	}
	if !recent {
		return
	}
	if ag.rng.IntN(10) == 0 {
		p.kind = "other"
	}
	p.day = -1
	const sample = 2000
	k := ag.seen[p.antenna]
	ag.seen[p.antenna]++
	if k < sample {
		ag.cands[p.antenna] = append(ag.cands[p.antenna], p)
	} else if j := ag.rng.IntN(k + 1); j < sample {
		ag.cands[p.antenna][j] = p
	}
}

// weekFactor is how full an adviser's day d is, against their usual load: the
// past two weeks and the next one full, then less and less booked ahead.
func (ag *apptGen) weekFactor(d int) float64 {
	switch ahead := d - ag.nowDay; {
	case ahead < 7:
		return 1
	case ahead < 14:
		return 0.6
	case ahead < 21:
		return 0.3
	}
	return 0.12
}

// aroundNow fills the advisers' agendas of the two weeks before now and the four
// after, the next week first, with the antenna's people under way; then
// publishes free slots for the next two weeks for some advisers.
func (ag *apptGen) aroundNow() error {
	var order []int // the next week first: the one an adviser opens
	for d := ag.nowDay; d < ag.nowDay+7; d++ {
		order = append(order, d)
	}
	for d := ag.nowDay - 14; d < ag.nowDay; d++ {
		order = append(order, d)
	}
	for d := ag.nowDay + 7; d < ag.nowDay+28; d++ {
		order = append(order, d)
	}
	ag.afterPeople = true
	var list []*genAppt
	for _, antenna := range ag.g.antennaIDs {
		an, cands := ag.ants[antenna], ag.cands[antenna]
		if len(cands) == 0 {
			continue
		}
		for _, s := range ag.g.staffByAnt[antenna][1:] {
			c := ag.cal[s]
			weekly := 15 + ag.rng.IntN(31)
			for _, d := range order {
				if !ag.workday(an, d) {
					continue
				}
				target := int(float64(weekly)/5*ag.weekFactor(d) + ag.rng.Float64())
				for int(c.count[d]) < target {
					dur := ag.duration()
					q, ok := ag.freeAt(c, d, dur)
					if !ok {
						break
					}
					var p *genPerson
					for range 8 {
						x := cands[ag.rng.IntN(len(cands))]
						if x.uses < 3 && x.day != d {
							p = x
							break
						}
					}
					if p == nil {
						break
					}
					start := at(an.loc, d, q)
					booked := ag.bookedFor(p, start, an.loc)
					if booked.IsZero() {
						break
					}
					c.take(d, q, dur)
					p.uses++
					p.day = d
					list = append(list, ag.interview(p, s, p.kind, start, start.Add(time.Duration(dur)*15*time.Minute), booked))
				}
			}
		}
	}
	// Each person's messages in the order they went, after those of the people
	// step: a failure may flag the number only after the last of those.
	slices.SortStableFunc(list, func(x, y *genAppt) int { return cmp.Compare(x.p.id, y.p.id) })
	err := ag.g.pipe(100, func(emit func(db.BatchJob)) error {
		bs := ag.batches(emit, false)
		for i := 0; i < len(list); {
			j := i + 1
			for j < len(list) && list[j].p == list[i].p {
				j++
			}
			p := list[i].p
			if err := ag.write(list[i:j], func(t time.Time) bool { return t.After(p.lastMsg) }); err != nil {
				return err
			}
			i = j
		}
		sb := db.NewBatch(ag.g.ctx, nil, "appointment_slots", "id", "antenna_id", "staff_id", "starts_at", "ends_at", "mode", "place_id",
			"created_by", "created_at")
		sb.Emit(emit, ag.g.d.Engine == db.Postgres)
		if err := ag.freeSlots(sb); err != nil {
			return err
		}
		for _, b := range append(bs, sb) {
			if err := b.Flush(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || len(ag.flagged) == 0 {
		return err
	}
	// The numbers found undeliverable in these weeks, on the people's files.
	return ag.g.tx(func(tx *sql.Tx) error {
		for _, p := range ag.flagged {
			if _, err := tx.ExecContext(ag.g.ctx, "UPDATE learners SET phone_undeliverable_at = $1 WHERE id = $2",
				db.FormatTime(p.undeliverable), p.id); err != nil {
				return err
			}
		}
		return nil
	})
}

// freeSlots publishes, for the first adviser of each antenna and about a third
// of the others, a few free slots on half the days of the next two weeks.
func (ag *apptGen) freeSlots(sb *db.Batch) error {
	for _, antenna := range ag.g.antennaIDs {
		an := ag.ants[antenna]
		for i, s := range ag.g.staffByAnt[antenna][1:] {
			if i > 0 && ag.rng.IntN(3) != 0 {
				continue
			}
			c := ag.cal[s]
			for d := ag.nowDay; d < ag.nowDay+14; d++ {
				if !ag.workday(an, d) || ag.rng.IntN(2) == 0 {
					continue
				}
				for range 2 + ag.rng.IntN(3) {
					q, ok := ag.freeAt(c, d, 3)
					if !ok {
						break
					}
					c.take(d, q, 3)
					start := at(an.loc, d, q)
					var place any
					mode := "phone"
					if len(an.places) > 0 && ag.rng.IntN(5) > 0 {
						mode, place = "place", an.places[ag.rng.IntN(len(an.places))].id
					}
					created := ag.between(genNow.AddDate(0, 0, -7), genNow.Add(-time.Hour), an.loc)
					ag.slots++
					ag.next.slot++
					if err := sb.Add(ag.next.slot-1, antenna, s, db.FormatTime(start), db.FormatTime(start.Add(45*time.Minute)), mode, place,
						s, db.FormatTime(created)); err != nil {
						return err
					}
				}
			}
		}
	}
	return nil
}
