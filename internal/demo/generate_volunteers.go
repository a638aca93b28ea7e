package demo

import (
	"database/sql"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"time"

	"tremplin/internal/civic"
	"tremplin/internal/platform/db"
	"tremplin/internal/volunteers"
)

// The generated association's volunteers (issue 11): people who signed up over
// the years, validated, declined or gone; their skills, languages, charter and
// checks of honourability; each antenna's missions and their shifts up to a few
// weeks past genNow, the sign-ups within capacity (waitlists, cancellations,
// no-shows) and the hours given, confirmed, approved or declined; the
// confirmations of the Compte d'engagement citoyen; and the civic service of
// some antennas: approvals, offers, applications, contracts within the
// approval's posts and the obligations they bring. Everything follows the
// rules the volunteers and civic packages enforce, as if the application had
// written it.

// genVolunteersPerAntenna is the default number of volunteers of an antenna.
const genVolunteersPerAntenna = 200

// genMission is one of the missions every antenna has, with its weekly shifts.
type genMission struct {
	title, description      string
	skills                  []string
	vulnerable, supervising bool
	kind                    string
	days                    []time.Weekday
	start                   int // minutes after midnight
	span                    int // minutes from start to end
	expected                int // a window's expected work
	capacity, cancelHours   int
	place                   int // index of the antenna's place, -1 none
	liking                  float64
}

var genMissions = []genMission{
	{"Accueil et aide aux démarches en ligne", "Accueillir les personnes et les aider dans leurs démarches (CAF, France Travail, ANTS, impôts).",
		nil, false, false, volunteers.Fixed, []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
		9 * 60, 180, 0, 15, 24, 0, 1},
	{"Animation de l'atelier numérique", "Animer l'atelier d'initiation : souris et clavier, courriels, smartphone, sécurité en ligne.",
		[]string{"workshop"}, false, true, volunteers.Fixed, []time.Weekday{time.Tuesday, time.Thursday}, 14 * 60, 180, 0, 10, 24, 0, 2},
	{"Aide aux devoirs numériques des collégiens", "Aider des collégiens à utiliser l'environnement numérique de leur collège.",
		[]string{"mentoring"}, true, true, volunteers.Fixed, []time.Weekday{time.Wednesday}, 14 * 60, 120, 0, 6, 48, 1, 2},
	{"Atelier de réparation du samedi", "Diagnostiquer et réparer les ordinateurs et téléphones apportés, quand on veut dans la journée.",
		[]string{"repair"}, false, false, volunteers.Window, []time.Weekday{time.Saturday}, 9 * 60, 540, 180, 20, 24, 1, 2},
	{"Suivi des apprenants à distance", "Appeler chez soi, à son rythme, les apprenants entre deux ateliers : exercices, rappels, démarches.",
		nil, false, false, volunteers.Ongoing, nil, 0, 0, 0, 80, 0, -1, 0},
}

// genLanguages are the languages volunteers speak beyond French, with how
// often (in thousandths).
var genLanguages = []struct {
	code string
	p    int
}{{"en", 350}, {"ar", 160}, {"es", 90}, {"fa", 45}, {"ps", 20}, {"ti", 35}, {"so", 20}, {"uk", 30}, {"ru", 30}, {"pt", 40}, {"tr", 25}, {"ro", 20}}

var genSkillOdds = map[string]int{"mentoring": 300, "workshop": 400, "repair": 250, "interpreting": 180, "admin": 200, "events": 200}

var genAvailability = []string{"Le mardi et le jeudi après-midi", "Le samedi", "Le mercredi", "En semaine le matin", "En soirée",
	"Deux demi-journées par semaine", "Pendant les vacances scolaires", ""}

var genLogNotes = []string{"Trois appels, exercices de courriel", "Rappel de l'atelier de jeudi", "Aide à une démarche CAF par téléphone",
	"Deux apprenants joints, un absent", "Préparation d'une fiche pratique", ""}

// genRates are the board's rates before the default ones of migration 0067:
// the gross hourly minimum wage (SMIC) of each period with employer charges.
var genRates = []struct {
	from  string
	cents int
}{{"2022-01-01", 1057}, {"2022-05-01", 1085}, {"2022-08-01", 1107}, {"2023-01-01", 1127}, {"2023-05-01", 1152}, {"2024-01-01", 1165}, {"2024-11-01", 1188}}

type genCheck struct{ done, expires string }

type genVolunteer struct {
	id                int64
	state             string
	created, from, to time.Time // active from .. to (zero from: never active)
	skills            []string
	checks            []genCheck
	keen              float64        // how often they take a shift they may
	busyUntil         time.Time      // end of their latest fixed shift
	leading           map[int]int    // approved minutes on leading missions, by year
	daily             map[string]int // minutes recorded by day (24 hours at most)
}

// volGen is the state of the volunteers step.
type volGen struct {
	g   *generator
	rng *rand.Rand

	next struct {
		volunteer, requirement, mission, shift, signup, hours     int64
		approval, offer, application, event, contract, obligation int64
	}
	vb, skb, lb, rb, mb, msb, sb, gb, hb, cb *db.Batch

	volunteers, missions, shifts, signups, hours, approved, pending, declined, waiting, noShows, confirmations int
	approvals, offers, applications, contracts, obligations                                                    int
	civicVolunteers                                                                                            int
}

func (g *generator) volunteersStep() error {
	if g.o.Volunteers <= 0 {
		return nil
	}
	vg := &volGen{g: g, rng: rand.New(rand.NewPCG(uint64(g.o.Seed), 0x766f6c73))}
	g.vg = vg
	for _, q := range []struct {
		table string
		dst   *int64
	}{{"volunteers", &vg.next.volunteer}, {"volunteer_requirements", &vg.next.requirement}, {"volunteer_missions", &vg.next.mission},
		{"volunteer_shifts", &vg.next.shift}, {"volunteer_signups", &vg.next.signup}, {"volunteer_hours", &vg.next.hours},
		{"civic_approvals", &vg.next.approval}, {"civic_offers", &vg.next.offer}, {"civic_applications", &vg.next.application},
		{"civic_application_events", &vg.next.event}, {"civic_contracts", &vg.next.contract}, {"civic_obligations", &vg.next.obligation}} {
		if err := g.d.QueryRowContext(g.ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM "+q.table).Scan(q.dst); err != nil {
			return err
		}
	}
	admin := int64(0)
	if err := g.d.QueryRowContext(g.ctx, "SELECT id FROM staff WHERE email = 'admin@generated.example'").Scan(&admin); err != nil {
		return err
	}
	// The board's earlier rates, set by the national admin, so that every
	// generated year is valued.
	err := g.tx(func(tx *sql.Tx) error {
		for _, r := range genRates {
			if _, err := tx.ExecContext(g.ctx, `INSERT INTO volunteer_rates (valid_from, gross_cents, charges_bp, label, set_by, created_at)
				VALUES ($1, $2, 4500, $3, $4, $5) ON CONFLICT (valid_from) DO NOTHING`, r.from, r.cents, "SMIC "+r.from[:7]+" + charges patronales",
				admin, db.FormatTime(genStart)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	perAntenna := make([]int, len(g.antennaIDs))
	for i := range perAntenna {
		perAntenna[i] = g.o.Volunteers / len(g.antennaIDs)
		if i < g.o.Volunteers%len(g.antennaIDs) {
			perAntenna[i]++
		}
	}
	pg := g.d.Engine == db.Postgres
	return g.pipe(50, func(emit func(db.BatchJob)) error {
		vg.mb = db.NewBatch(g.ctx, nil, "volunteer_missions", "id", "antenna_id", "title", "description", "vulnerable", "supervising", "active", "created_at", "updated_at")
		vg.msb = db.NewBatch(g.ctx, nil, "volunteer_mission_skills", "mission_id", "skill")
		vg.vb = db.NewBatch(g.ctx, nil, "volunteers", "id", "antenna_id", "first_name", "last_name", "phone", "email", "lang", "availability", "state",
			"decline_reason", "decided_by", "decided_at", "validated_at", "created_at")
		vg.skb = db.NewBatch(g.ctx, nil, "volunteer_skills", "volunteer_id", "skill")
		vg.lb = db.NewBatch(g.ctx, nil, "volunteer_languages", "volunteer_id", "lang")
		vg.rb = db.NewBatch(g.ctx, nil, "volunteer_requirements", "id", "volunteer_id", "kind", "version", "done_on", "expires_on", "recorded_by", "created_at")
		vg.sb = db.NewBatch(g.ctx, nil, "volunteer_shifts", "id", "mission_id", "antenna_id", "kind", "starts_at", "ends_at", "expected_minutes", "capacity",
			"place_id", "cancel_hours", "state", "created_by", "created_at", "updated_at")
		vg.gb = db.NewBatch(g.ctx, nil, "volunteer_signups", "id", "shift_id", "volunteer_id", "state", "created_at", "updated_at")
		vg.hb = db.NewBatch(g.ctx, nil, "volunteer_hours", "id", "volunteer_id", "antenna_id", "mission_id", "shift_id", "day", "minutes", "note", "state",
			"reason", "decided_by", "decided_at", "created_at")
		vg.cb = db.NewBatch(g.ctx, nil, "volunteer_cec_confirmations", "volunteer_id", "year", "total_hours", "confirmed_by", "confirmed_at")
		order := []*db.Batch{vg.mb, vg.msb, vg.vb, vg.skb, vg.lb, vg.rb, vg.sb, vg.gb, vg.hb, vg.cb}
		for _, b := range order {
			b.Hold()
			b.Emit(emit, pg)
		}
		for i, antenna := range g.antennaIDs {
			if err := vg.antenna(antenna, perAntenna[i]); err != nil {
				return err
			}
			for _, b := range order { // parents before children, an antenna at a time
				if err := b.Flush(); err != nil {
					return err
				}
			}
			if i%20 == 19 || i == len(g.antennaIDs)-1 {
				fmt.Fprintf(g.o.Out, "\n  %d/%d antennas, %d volunteers, %d shifts, %d hours (%s)", i+1, len(g.antennaIDs), vg.volunteers, vg.shifts, vg.hours,
					time.Since(g.start).Round(time.Second))
			}
		}
		fmt.Fprintf(g.o.Out, "\n%-42s ", "")
		return nil
	})
}

func (vg *volGen) chance(perThousand int) bool { return vg.rng.IntN(1000) < perThousand }

// between is a moment drawn uniformly in [lo, hi); lo when the span is empty.
func (vg *volGen) between(lo, hi time.Time) time.Time {
	if !hi.After(lo) {
		return lo
	}
	return lo.Add(time.Duration(vg.rng.Int64N(int64(hi.Sub(lo)))))
}

// phone is a volunteer's number, unique to them.
func volunteerPhone(id int64) string { return fmt.Sprintf("+3377%07d", id%10_000_000) }

// antenna makes an antenna's volunteers, missions, shifts, sign-ups and hours.
func (vg *volGen) antenna(antenna int64, n int) error {
	g := vg.g
	staff := g.staffByAnt[antenna]
	manager := staff[0]
	an := g.ag.ants[antenna]
	loc := an.loc
	days := int(genNow.Sub(genStart).Hours() / 24)
	// The volunteers, joined over the years.
	list := make([]*genVolunteer, 0, n)
	for range n {
		v := &genVolunteer{id: vg.next.volunteer, leading: map[int]int{}, daily: map[string]int{}}
		vg.next.volunteer++
		v.created = genStart.AddDate(0, 0, vg.rng.IntN(days)).Add(time.Duration(7*3600+vg.rng.IntN(15*3600)) * time.Second)
		recent := v.created.After(genNow.AddDate(0, 0, -45))
		decided := v.created.Add(time.Duration(12+vg.rng.IntN(10*24)) * time.Hour)
		var reason string
		var decidedAt any
		switch r := vg.rng.IntN(1000); {
		case recent && r < 700, !recent && r < 10, decided.After(genNow):
			v.state = "pending"
		case r < 100:
			v.state, reason = "declined", g.pick(volunteers.DeclineReasons)
		default:
			v.state, v.from, v.to = "active", decided, genNow.AddDate(1, 0, 0)
			if left := v.from.AddDate(0, 2+vg.rng.IntN(30), 0); !recent && left.Before(genNow) && vg.chance(350) {
				v.state, v.to = "left", left
				decided = left
			}
		}
		if v.state != "pending" {
			decidedAt = db.FormatTime(decided)
		}
		first, last := g.pick(genFirst), g.pick(genLast)
		phone, email := volunteerPhone(v.id), ""
		if vg.chance(400) {
			email = fmt.Sprintf("benevole%d@generated.example", v.id)
			if vg.chance(300) {
				phone = ""
			}
		}
		lang := "fr"
		if r := vg.rng.IntN(100); r < 8 {
			lang = "en"
		} else if r < 13 {
			lang = "ar"
		}
		var decidedBy any
		if decidedAt != nil {
			decidedBy = manager
		}
		var validated any // the dashboard's "new volunteers"
		if v.state == "active" || v.state == "left" {
			validated = db.FormatTime(v.from)
		}
		if err := vg.vb.Add(v.id, antenna, first, last, phone, email, lang, g.pick(genAvailability), v.state, reason, decidedBy, decidedAt,
			validated, db.FormatTime(v.created)); err != nil {
			return err
		}
		vg.volunteers++
		for _, s := range volunteers.Skills {
			if vg.chance(genSkillOdds[s]) {
				v.skills = append(v.skills, s)
				if err := vg.skb.Add(v.id, s); err != nil {
					return err
				}
			}
		}
		for _, l := range genLanguages {
			if vg.chance(l.p) {
				if err := vg.lb.Add(v.id, l.code); err != nil {
					return err
				}
			}
		}
		// The charter of 1 January 2026: accepted on joining since, and by most of
		// those already active when it came out, on a later visit.
		charter := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		switch {
		case !v.created.Before(charter):
			if err := vg.requirement(v.id, volunteers.Charter, "1", v.created, "", nil); err != nil {
				return err
			}
		case v.state == "active" && vg.chance(800):
			at := vg.between(charter.Add(9*time.Hour), genNow)
			if err := vg.requirement(v.id, volunteers.Charter, "1", at, "", nil); err != nil {
				return err
			}
		}
		// Checks of honourability, for a third of those validated: seen around
		// their start, renewed by most when they expire (36 months).
		if !v.from.IsZero() && vg.chance(380) {
			seen := v.from.Add(-time.Duration(vg.rng.IntN(5*24)) * time.Hour)
			for !seen.After(genNow) && seen.Before(v.to) {
				c := genCheck{dateOf(seen), dateOf(seen.AddDate(0, 36, 0))}
				v.checks = append(v.checks, c)
				if err := vg.requirement(v.id, volunteers.Honourability, "", seen, c.expires, manager); err != nil {
					return err
				}
				if !vg.chance(700) {
					break
				}
				seen = seen.AddDate(0, 36, -vg.rng.IntN(40))
			}
		}
		v.keen = 0.05 + 0.26*vg.rng.Float64()*vg.rng.Float64()*2
		list = append(list, v)
	}
	// The missions, created with the antenna's volunteering.
	missionStart := genStart.AddDate(0, 0, vg.rng.IntN(120))
	type mission struct {
		def     *genMission
		id      int64
		place   any
		created time.Time
	}
	var missions []mission
	for i := range genMissions {
		def := &genMissions[i]
		m := mission{def: def, id: vg.next.mission, created: missionStart.Add(time.Duration(9*3600+i*600) * time.Second)}
		vg.next.mission++
		if def.place >= 0 && def.place < len(an.places) {
			m.place = an.places[def.place].id
		}
		if err := vg.mb.Add(m.id, antenna, def.title, def.description, def.vulnerable, def.supervising, true,
			db.FormatTime(m.created), db.FormatTime(m.created)); err != nil {
			return err
		}
		for _, s := range def.skills {
			if err := vg.msb.Add(m.id, s); err != nil {
				return err
			}
		}
		missions = append(missions, m)
		vg.missions++
	}
	// Every weekly shift of the fixed and window missions, from the missions'
	// start to eight weeks after genNow, but in the summer break and the week
	// of Christmas, in start order.
	type shift struct {
		m          *mission
		start, end time.Time
	}
	var shifts []shift
	last := genNow.AddDate(0, 0, 56)
	for day := missionStart.Truncate(24 * time.Hour); day.Before(last); day = day.AddDate(0, 0, 1) {
		if (day.Month() == time.August && day.Day() <= 21) || (day.Month() == time.December && day.Day() >= 24) ||
			(day.Month() == time.January && day.Day() == 1) {
			continue
		}
		if d := dayOf(day, time.UTC); an.fr && d >= 0 && d < len(g.ag.holidays) && g.ag.holidays[d] {
			continue
		}
		for i := range missions {
			m := &missions[i]
			if m.def.kind == volunteers.Ongoing || !slices.Contains(m.def.days, day.Weekday()) {
				continue
			}
			y, mo, dd := day.Date()
			start := time.Date(y, mo, dd, m.def.start/60, m.def.start%60, 0, 0, loc)
			if start.Before(m.created.AddDate(0, 0, 7)) {
				continue
			}
			shifts = append(shifts, shift{m, start, start.Add(time.Duration(m.def.span) * time.Minute)})
		}
	}
	sort.SliceStable(shifts, func(i, j int) bool { return shifts[i].start.Before(shifts[j].start) })
	type seat struct {
		v                      *genVolunteer
		state                  string
		created, moved, cancel time.Time
	}
	for _, s := range shifts {
		def := s.m.def
		id := vg.next.shift
		vg.next.shift++
		vg.shifts++
		created := later(s.m.created, s.start.AddDate(0, 0, -28-vg.rng.IntN(30)))
		state, moved := "open", created
		if vg.chance(15) { // called off by staff, a few days before
			state = "cancelled"
			moved = later(created, s.start.Add(-time.Duration(24+vg.rng.IntN(96))*time.Hour))
			if moved.After(genNow) {
				state, moved = "open", created
			}
		}
		// Those who want the shift, among the volunteers who may take it then.
		day := dateOf(s.start.In(loc))
		fill := 1.0
		if s.start.After(genNow) { // fewer sign-ups yet the further it is
			fill = max(0.15, 1-s.start.Sub(genNow).Hours()/24/60)
		}
		var want []*genVolunteer
		for _, v := range list {
			if v.from.IsZero() || !v.from.Before(s.start.Add(-24*time.Hour)) || !v.to.After(s.start) || (def.kind == volunteers.Fixed && v.busyUntil.After(s.start)) {
				continue
			}
			if !hasAll(v.skills, def.skills) || (def.vulnerable && !v.checkValid(day)) {
				continue
			}
			if vg.rng.Float64() < v.keen*def.liking*fill {
				want = append(want, v)
			}
		}
		vg.rng.Shuffle(len(want), func(i, j int) { want[i], want[j] = want[j], want[i] })
		if len(want) > def.capacity+3 {
			want = want[:def.capacity+3]
		}
		// They sign up in that order, from three weeks to a day before (not
		// before they were validated, nor after genNow): the first capacity
		// take the seats, the others wait.
		open := later(created, s.start.AddDate(0, 0, -21))
		var seats []*seat
		for _, v := range want {
			lo := later(open, v.from.Add(time.Hour))
			hi := earlier(s.start.Add(-24*time.Hour), genNow.Add(-time.Hour))
			if state == "cancelled" {
				hi = earlier(hi, moved.Add(-time.Hour))
			}
			if v.to.Before(hi) {
				hi = v.to
			}
			if !hi.After(lo) {
				continue
			}
			seats = append(seats, &seat{v: v, created: vg.between(lo, hi)})
		}
		sort.Slice(seats, func(i, j int) bool { return seats[i].created.Before(seats[j].created) })
		// Some mean to give up their place, before the deadline (and before staff
		// call the shift off). Sign-ups and cancellations then happen in time
		// order: a seat while one is free, else the waitlist; a seat given up goes
		// to the first waiting.
		deadline := earlier(s.start.Add(-time.Duration(def.cancelHours)*time.Hour), genNow)
		type event struct {
			at     time.Time
			st     *seat
			cancel bool
		}
		var events []event
		for _, st := range seats {
			events = append(events, event{st.created, st, false})
			if vg.chance(80) && deadline.After(st.created) {
				st.cancel = vg.between(st.created, deadline)
				if state != "cancelled" || st.cancel.Before(moved) {
					events = append(events, event{st.cancel, st, true})
				}
			}
		}
		sort.SliceStable(events, func(i, j int) bool { return events[i].at.Before(events[j].at) })
		coming := 0
		for _, e := range events {
			st := e.st
			switch {
			case !e.cancel && coming < def.capacity:
				st.state, st.moved = volunteers.Coming, e.at
				coming++
			case !e.cancel:
				st.state, st.moved = volunteers.Waiting, e.at
			case st.state == volunteers.Waiting:
				st.state, st.moved = volunteers.Cancelled, e.at
			case st.state == volunteers.Coming:
				st.state, st.moved = volunteers.Cancelled, e.at
				coming--
				for _, w := range seats {
					if w.state == volunteers.Waiting {
						w.state, w.moved = volunteers.Coming, e.at
						coming++
						break
					}
				}
			}
		}
		if state == "cancelled" {
			for _, st := range seats {
				if st.state == volunteers.Coming || st.state == volunteers.Waiting {
					st.state, st.moved = volunteers.Cancelled, moved
				}
			}
		}
		var ends any
		if def.kind != volunteers.Ongoing {
			ends = db.FormatTime(s.end)
		}
		if err := vg.sb.Add(id, s.m.id, antenna, def.kind, db.FormatTime(s.start), ends, def.expected, def.capacity, s.m.place, def.cancelHours,
			state, manager, db.FormatTime(created), db.FormatTime(moved)); err != nil {
			return err
		}
		// After the shift: some did not come, a few say it did not happen, most
		// confirm their hours, which staff approve (a few are declined).
		for _, st := range seats {
			v := st.v
			if st.state == volunteers.Coming && def.kind == volunteers.Fixed {
				v.busyUntil = later(v.busyUntil, s.end)
			}
			if st.state == volunteers.Coming && !s.end.After(genNow) {
				switch r := vg.rng.IntN(1000); {
				case r < 40:
					st.state, st.moved = volunteers.NoShow, earlier(s.end.Add(time.Duration(1+vg.rng.IntN(48))*time.Hour), genNow)
					vg.noShows++
				case r < 50:
					st.state, st.moved = volunteers.NotHappened, earlier(s.end.Add(time.Duration(2+vg.rng.IntN(48))*time.Hour), genNow)
				case r < 120: // never answered "did it happen?"
				default:
					minutes := def.span
					if def.kind == volunteers.Window {
						minutes = def.expected + 30*(vg.rng.IntN(5)-2)
					} else if vg.chance(150) {
						minutes -= 30
					}
					confirmed := s.end.Add(time.Duration(1+vg.rng.IntN(72)) * time.Hour)
					if confirmed.Before(genNow) && confirmed.Before(v.to) { // they answer while validated
						if err := vg.addHours(v, antenna, s.m.id, id, dateOf(s.end.In(loc)), minutes, "", confirmed, def.supervising, staff); err != nil {
							return err
						}
					}
				}
			}
			if st.state == volunteers.Waiting {
				vg.waiting++
			}
			if err := vg.gb.Add(vg.next.signup, id, v.id, st.state, db.FormatTime(st.created), db.FormatTime(st.moved)); err != nil {
				return err
			}
			vg.next.signup++
			vg.signups++
		}
	}
	// The ongoing mission: one open-ended shift; volunteers with the skills join
	// it after they start, log their work week by week, and leave it when they
	// go (or before).
	for i := range missions {
		m := &missions[i]
		def := m.def
		if def.kind != volunteers.Ongoing {
			continue
		}
		id := vg.next.shift
		vg.next.shift++
		vg.shifts++
		start := m.created.Add(24 * time.Hour)
		if err := vg.sb.Add(id, m.id, antenna, def.kind, db.FormatTime(start), nil, 0, def.capacity, nil, 0, "open", manager,
			db.FormatTime(m.created), db.FormatTime(m.created)); err != nil {
			return err
		}
		type place struct {
			v           *genVolunteer
			from, until time.Time
			state       string
		}
		var places []*place
		for _, v := range list {
			if v.from.IsZero() || !hasAll(v.skills, def.skills) || !vg.chance(550) {
				continue
			}
			from := later(v.from, start).Add(time.Duration(1+vg.rng.IntN(60*24)) * time.Hour)
			if !from.Before(earlier(v.to, genNow)) {
				continue
			}
			p := &place{v: v, from: from, state: volunteers.Coming}
			if v.state == "left" {
				p.until, p.state = v.to, volunteers.Cancelled
			} else if vg.chance(150) {
				p.until, p.state = vg.between(from, genNow), volunteers.Cancelled
			}
			places = append(places, p)
		}
		sort.Slice(places, func(i, j int) bool { return places[i].from.Before(places[j].from) })
		var kept []*place
		for _, p := range places {
			on := 0
			for _, k := range kept {
				if k.until.IsZero() || k.until.After(p.from) {
					on++
				}
			}
			if on >= def.capacity {
				continue // full: they were turned away
			}
			kept = append(kept, p)
		}
		for _, p := range kept {
			moved := p.from
			if !p.until.IsZero() {
				moved = p.until
			}
			if err := vg.gb.Add(vg.next.signup, id, p.v.id, p.state, db.FormatTime(p.from), db.FormatTime(moved)); err != nil {
				return err
			}
			vg.next.signup++
			vg.signups++
			end := genNow
			if !p.until.IsZero() {
				end = p.until
			}
			// A log most weeks, on a day after they joined.
			first := p.from.In(loc)
			for wk := first; wk.Before(end); wk = wk.AddDate(0, 0, 7) {
				if vg.rng.Float64() > 0.35+2*p.v.keen {
					continue
				}
				dayT := wk.AddDate(0, 0, vg.rng.IntN(7))
				if dayT.After(end) {
					continue
				}
				logged := dayT.Add(time.Duration(12+vg.rng.IntN(60)) * time.Hour)
				if !logged.Before(end) { // they log while on it (and validated)
					continue
				}
				if err := vg.addHours(p.v, antenna, m.id, 0, dateOf(dayT), 60+15*vg.rng.IntN(13), g.pick(genLogNotes), logged, def.supervising, staff); err != nil {
					return err
				}
			}
		}
	}
	// The association confirms the Compte d'engagement citoyen of most of those
	// who gave the hours in a leading role, in the year after.
	for _, v := range list {
		for y := genStart.Year(); y < genNow.Year(); y++ {
			if minutes := v.leading[y]; minutes >= 100*60 && vg.chance(600) {
				at := vg.between(time.Date(y+1, 1, 5, 9, 0, 0, 0, time.UTC), earlier(time.Date(y+1, 12, 20, 0, 0, 0, 0, time.UTC), genNow))
				total := max(200, (minutes+59)/60+vg.rng.IntN(120))
				if err := vg.cb.Add(v.id, y, total, manager, db.FormatTime(at)); err != nil {
					return err
				}
				vg.confirmations++
			}
		}
	}
	return nil
}

func hasAll(have, need []string) bool {
	for _, s := range need {
		if !slices.Contains(have, s) {
			return false
		}
	}
	return true
}

// checkValid reports whether the volunteer's check of honourability is valid
// on day (a shift's) for a sign-up in the three weeks before it: the latest
// check seen by then (volunteers.RequirementMet reads the latest row) must not
// have expired on day. A check seen within those weeks may be recorded after
// the sign-up, so the one before them decides (a renewal is valid anyway).
func (v *genVolunteer) checkValid(day string) bool {
	t, _ := time.Parse(time.DateOnly, day)
	by := dateOf(t.AddDate(0, 0, -22))
	valid := false
	for _, c := range v.checks {
		if c.done > by {
			break
		}
		valid = c.expires >= day
	}
	return valid
}

func (vg *volGen) requirement(volunteer int64, kind, version string, at time.Time, expires string, by any) error {
	var exp any
	if expires != "" {
		exp = expires
	}
	id := vg.next.requirement
	vg.next.requirement++
	return vg.rb.Add(id, volunteer, kind, version, dateOf(at), exp, by, db.FormatTime(at))
}

// addHours records hours confirmed or logged at `at` and, when staff have
// decided since, their decision. At most 24 hours a day count.
func (vg *volGen) addHours(v *genVolunteer, antenna, mission, shift int64, day string, minutes int, note string, at time.Time, leading bool, staff []int64) error {
	if v.daily[day]+minutes > 24*60 {
		return nil
	}
	state, reason := volunteers.HoursApproved, ""
	var decidedBy, decidedAt any
	decided := at.Add(time.Duration(2+vg.rng.IntN(10*24)) * time.Hour)
	switch r := vg.rng.IntN(1000); {
	case decided.After(genNow), at.After(genNow.AddDate(0, 0, -21)) && r < 550, r < 5:
		state = volunteers.HoursPending
	case r < 25:
		state, reason = volunteers.HoursDeclined, vg.g.pick([]string{"not_done", "wrong_hours", "other"})
	}
	if state != volunteers.HoursPending {
		decidedBy, decidedAt = staff[vg.rng.IntN(len(staff))], db.FormatTime(decided)
	}
	if state != volunteers.HoursDeclined {
		v.daily[day] += minutes
	}
	var shiftID any
	if shift != 0 {
		shiftID = shift
	}
	if err := vg.hb.Add(vg.next.hours, v.id, antenna, mission, shiftID, day, minutes, note, state, reason, decidedBy, decidedAt, db.FormatTime(at)); err != nil {
		return err
	}
	vg.next.hours++
	vg.hours++
	switch state {
	case volunteers.HoursApproved:
		vg.approved++
		if leading {
			y, _ := strconv.Atoi(day[:4])
			v.leading[y] += minutes
		}
	case volunteers.HoursPending:
		vg.pending++
	default:
		vg.declined++
	}
	return nil
}

// genOfferTitles are the civic-service offers the antennas publish.
var genOfferTitles = []struct{ title, domain string }{
	{"Médiation numérique auprès des habitants", "solidarity"},
	{"Ambassadeur ou ambassadrice du numérique pour les jeunes", "education"},
	{"Accompagnement aux démarches en ligne des personnes âgées", "solidarity"},
	{"Réemploi et réparation du matériel informatique", "environment"},
	{"Animation d'ateliers numériques en bibliothèque", "culture"},
}

// civicService gives every fourth antenna (the first of each eight with its
// neighbour) a civic-service approval for 2022–2024 and one for 2025–2027,
// two offers a year, their applicants, the contracts of those accepted while a
// post was free, the volunteer each contract enlists and the obligations.
func (g *generator) civicService() error {
	vg := g.vg
	if vg == nil {
		return nil
	}
	periods := [][2]time.Time{{time.Date(2022, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2024, 12, 31, 0, 0, 0, 0, time.UTC)},
		{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2027, 12, 31, 0, 0, 0, 0, time.UTC)}}
	type approval struct {
		id        int64
		from, to  time.Time
		posts     int
		contracts [][2]time.Time
	}
	return g.tx(func(tx *sql.Tx) error {
		ab := db.NewBatch(g.ctx, tx, "civic_approvals", "id", "number", "valid_from", "valid_to", "posts", "created_at", "updated_at")
		aab := db.NewBatch(g.ctx, tx, "civic_approval_antennas", "approval_id", "antenna_id")
		ob := db.NewBatch(g.ctx, tx, "civic_offers", "id", "antenna_id", "title", "description", "tasks", "audience", "minors", "step_free", "remote",
			"schedule", "months", "starts_on", "places", "domain", "address", "state", "created_at", "updated_at")
		pb := db.NewBatch(g.ctx, tx, "civic_applications", "id", "offer_id", "antenna_id", "first_name", "last_name", "phone", "email", "lang",
			"birth_date", "disability", "message", "availability", "heard", "state", "decline_reason", "interview_at", "interview_place", "created_at", "updated_at")
		eb := db.NewBatch(g.ctx, tx, "civic_application_events", "id", "application_id", "state", "reason", "note", "by_staff", "at")
		vb := db.NewBatch(g.ctx, tx, "volunteers", "id", "antenna_id", "first_name", "last_name", "phone", "email", "lang", "availability", "state",
			"decline_reason", "decided_by", "decided_at", "validated_at", "created_at")
		cb := db.NewBatch(g.ctx, tx, "civic_contracts", "id", "application_id", "volunteer_id", "approval_id", "offer_id", "antenna_id", "tutor_id",
			"starts_on", "ends_on", "weekly_hours", "days_per_week", "social_topup", "created_by", "created_at")
		bb := db.NewBatch(g.ctx, tx, "civic_obligations", "id", "contract_id", "kind", "due_on", "done_on", "done_by")
		for _, b := range []*db.Batch{aab, ob, pb, eb, vb, cb, bb} { // written after their parents
			b.Hold()
		}
		for i, antenna := range g.antennaIDs {
			if i%4 != 0 {
				continue
			}
			covered := []int64{antenna}
			if i%8 == 0 && i+1 < len(g.antennaIDs) {
				covered = append(covered, g.antennaIDs[i+1])
			}
			var aps []*approval
			for k, p := range periods {
				a := &approval{id: vg.next.approval, from: p[0], to: p[1], posts: 2 + vg.rng.IntN(3)}
				vg.next.approval++
				created := db.FormatTime(p[0].AddDate(0, -2, 0))
				if err := ab.Add(a.id, fmt.Sprintf("NA-%03d-%02d-%05d-00", 59+i%30, 22+3*k, 100+i), dateOf(p[0]), dateOf(p[1]), a.posts, created, created); err != nil {
					return err
				}
				for _, c := range covered {
					if err := aab.Add(a.id, c); err != nil {
						return err
					}
				}
				aps = append(aps, a)
				vg.approvals++
			}
			for _, host := range covered {
				staff := g.staffByAnt[host]
				an := g.ag.ants[host]
				place := an.name
				if len(an.places) > 0 {
					place = an.places[0].where
				}
				// Some prepare next winter's offer, not published yet.
				if vg.chance(400) {
					start := time.Date(genNow.Year()+1, 2, 1, 0, 0, 0, 0, time.UTC)
					t := genOfferTitles[vg.rng.IntN(len(genOfferTitles))]
					created := db.FormatTime(genNow.Add(-time.Duration(1+vg.rng.IntN(20*24)) * time.Hour))
					if err := ob.Add(vg.next.offer, host, t.title, "", "", "", false, true, "no", "", 8, dateOf(start), 1, t.domain,
						place, "draft", created, created); err != nil {
						return err
					}
					vg.next.offer++
					vg.offers++
				}
				for y := genStart.Year(); y <= genNow.Year(); y++ {
					for _, start := range []time.Time{time.Date(y, 2, 1, 0, 0, 0, 0, time.UTC), time.Date(y, 9, 15, 0, 0, 0, 0, time.UTC)} {
						var ap *approval
						for _, a := range aps {
							if !start.Before(a.from) && !start.After(a.to) {
								ap = a
							}
						}
						if ap == nil {
							continue
						}
						months := []int{6, 8, 8, 9, 10, 12}[vg.rng.IntN(6)]
						for months > civic.MinMonths && civic.MissionEnd(start, months).After(ap.to) {
							months--
						}
						if civic.MissionEnd(start, months).After(ap.to) {
							continue
						}
						t := genOfferTitles[vg.rng.IntN(len(genOfferTitles))]
						created := later(genStart, start.AddDate(0, -4, 0)).Add(10 * time.Hour)
						if created.After(genNow) {
							continue
						}
						state := "closed"
						if start.After(genNow) {
							state = "published"
						}
						minors := vg.chance(300)
						places := 1 + vg.rng.IntN(3)
						offer := vg.next.offer
						vg.next.offer++
						vg.offers++
						if err := ob.Add(offer, host, t.title, "Aider les habitants à se servir du numérique au quotidien, avec l'équipe de l'antenne.",
							"Accueil, ateliers, aide aux démarches en ligne.", "Adultes et familles éloignés du numérique", minors, vg.chance(700),
							[]string{"no", "no", "possible"}[vg.rng.IntN(3)], "24 h par semaine, du lundi au jeudi", months, dateOf(start), places, t.domain,
							an.places[0].where, state, db.FormatTime(created), db.FormatTime(created)); err != nil {
							return err
						}
						// The applicants, over the weeks the offer is out.
						n := places*2 + vg.rng.IntN(6)
						accepted := 0
						for k := range n {
							// The first applicant of a coming mission is accepted
							// and waits for the contract, signed before the start.
							eager := k == 0 && state == "published"
							appID := vg.next.application
							vg.next.application++
							vg.applications++
							applied := vg.between(created.Add(24*time.Hour), earlier(start.AddDate(0, 0, -10), genNow))
							if eager {
								applied = created.Add(time.Duration(24+vg.rng.IntN(5*24)) * time.Hour)
							}
							disability := vg.chance(40)
							var birth time.Time
							for {
								age := 16 + vg.rng.IntN(10)
								if disability && vg.chance(300) {
									age = 26 + vg.rng.IntN(4)
								}
								birth = start.AddDate(-age, 0, -vg.rng.IntN(360))
								if civic.Eligibility(birth, start, disability, minors) == "" {
									break
								}
							}
							first, last := g.pick(genFirst), g.pick(genLast)
							phone, email := fmt.Sprintf("+3376%07d", appID%10_000_000), ""
							if vg.chance(500) {
								email = fmt.Sprintf("candidat%d@generated.example", appID)
							}
							lang := []string{"fr", "fr", "fr", "fr", "en", "ar"}[vg.rng.IntN(6)]
							by := staff[vg.rng.IntN(len(staff))]
							appState, reason, interviewAt, interviewPlace, updated := "new", "", "", "", applied
							event := func(state, why, note string, at time.Time) error {
								appState, reason, updated = state, why, at
								id := vg.next.event
								vg.next.event++
								return eb.Add(id, appID, state, why, note, by, db.FormatTime(at))
							}
							// Staff answer within days: an interview for most, which ends
							// in a place while posts and places last.
							moved := applied.Add(time.Duration(24+vg.rng.IntN(6*24)) * time.Hour)
							var contractStart, contractEnd time.Time
							if start.After(genNow) && !eager && vg.chance(250) {
								moved = genNow // not looked at yet
							}
							if moved.Before(genNow) {
								r := vg.rng.IntN(1000)
								if eager {
									r = 999
								}
								switch {
								case r < 90:
									if err := event("withdrawn", "", "", moved); err != nil {
										return err
									}
								case r < 260:
									if err := event("declined", []string{"unavailable", "incompatible", "other"}[vg.rng.IntN(3)], "", moved); err != nil {
										return err
									}
								default:
									wait := 3 + vg.rng.IntN(7)
									if left := int(start.Sub(moved).Hours()/24) - 14; left > wait && !eager && vg.chance(500) {
										wait += vg.rng.IntN(left - wait) // at a session of interviews nearer the start
									}
									when := time.Date(moved.Year(), moved.Month(), moved.Day()+wait, 10+vg.rng.IntN(7), 0, 0, 0, an.loc)
									interviewAt, interviewPlace = db.FormatTime(when), place
									if err := event("interview", "", place, moved); err != nil {
										return err
									}
									decided := when.Add(time.Duration(2+vg.rng.IntN(96)) * time.Hour)
									if decided.After(genNow) {
										break
									}
									cs := later(start, decided.AddDate(0, 0, 14))
									cs = time.Date(cs.Year(), cs.Month(), cs.Day(), 0, 0, 0, 0, time.UTC)
									ce := civic.MissionEnd(cs, months)
									free := accepted < places && !ce.After(ap.to) && (eager || civic.Running(ap.contracts, cs, ce) < ap.posts)
									r := vg.rng.IntN(1000)
									if eager {
										r = 0
									}
									switch {
									case free && r < 750:
										accepted++
										contractStart, contractEnd = cs, ce
										if err := event("accepted", "", "", decided); err != nil {
											return err
										}
									case r < 850:
										if err := event("declined", "did_not_come", "", decided); err != nil {
											return err
										}
									case free:
										if err := event("declined", "incompatible", "", decided); err != nil {
											return err
										}
									default:
										if err := event("declined", "no_place", "", decided); err != nil {
											return err
										}
									}
								}
							}
							if err := pb.Add(appID, offer, host, first, last, phone, email, lang, dateOf(birth), disability,
								"Je voudrais aider les autres avec le numérique.", "Dès que possible", g.pick(civic.Heard), appState,
								reason, interviewAt, interviewPlace, db.FormatTime(applied), db.FormatTime(updated)); err != nil {
								return err
							}
							if contractStart.IsZero() {
								continue
							}
							// The contract, signed in the days before the mission starts
							// (not yet for missions starting after genNow): its
							// volunteer, its obligations.
							signed := later(updated.Add(24*time.Hour), contractStart.Add(-time.Duration(2+vg.rng.IntN(12))*24*time.Hour+10*time.Hour))
							if signed.After(genNow) {
								continue
							}
							terms := civic.Terms{Start: contractStart, End: contractEnd, WeeklyHours: 24 + 2*vg.rng.IntN(4), Days: 4 + vg.rng.IntN(2), Birth: birth}
							if len(terms.Check()) > 0 {
								continue
							}
							ap.contracts = append(ap.contracts, [2]time.Time{contractStart, contractEnd})
							vid := vg.next.volunteer
							vg.next.volunteer++
							vg.civicVolunteers++
							vstate, decidedAt := "active", signed
							if left := contractEnd.AddDate(0, 0, 1+vg.rng.IntN(20)).Add(10 * time.Hour); left.Before(genNow) {
								vstate, decidedAt = "left", left
							}
							if err := vb.Add(vid, host, first, last, phone, email, lang, "", vstate, "", staff[0], db.FormatTime(decidedAt),
								db.FormatTime(signed), db.FormatTime(signed)); err != nil {
								return err
							}
							contract := vg.next.contract
							vg.next.contract++
							vg.contracts++
							tutor := staff[1+vg.rng.IntN(len(staff)-1)]
							if err := cb.Add(contract, appID, vid, ap.id, offer, host, tutor, dateOf(contractStart), dateOf(contractEnd), terms.WeeklyHours,
								terms.Days, vg.chance(150), staff[0], db.FormatTime(signed)); err != nil {
								return err
							}
							for _, o := range civic.Schedule(contractStart, contractEnd) {
								done, doneBy := "", any(nil)
								switch {
								case o.On.Before(genNow) && vg.chance(850):
									done = dateOf(earlier(later(o.On.AddDate(0, 0, -vg.rng.IntN(21)), contractStart), genNow))
								case !o.On.Before(genNow) && o.On.Before(genNow.AddDate(0, 0, 30)) && vg.chance(200):
									done = dateOf(later(genNow.AddDate(0, 0, -vg.rng.IntN(10)), contractStart))
								}
								if done != "" {
									doneBy = tutor
								}
								if err := bb.Add(vg.next.obligation, contract, o.Kind, dateOf(o.On), done, doneBy); err != nil {
									return err
								}
								vg.next.obligation++
								vg.obligations++
							}
						}
					}
				}
			}
		}
		for _, b := range []*db.Batch{ab, aab, ob, pb, eb, vb, cb, bb} {
			if err := b.Flush(); err != nil {
				return err
			}
		}
		return nil
	})
}

// summary is the volunteers step's counts, for the last line of the output.
func (vg *volGen) summary() string {
	if vg == nil {
		return "no volunteers"
	}
	return fmt.Sprintf("%d volunteers (%d by civic contracts), %d missions, %d shifts, %d sign-ups (%d waiting, %d no-shows), "+
		"%d records of hours (%d approved, %d pending, %d declined), %d CEC confirmations, %d civic approvals, %d offers, %d applications, "+
		"%d contracts, %d obligations", vg.volunteers+vg.civicVolunteers, vg.civicVolunteers, vg.missions, vg.shifts, vg.signups, vg.waiting,
		vg.noShows, vg.hours, vg.approved, vg.pending, vg.declined, vg.confirmations, vg.approvals, vg.offers, vg.applications, vg.contracts, vg.obligations)
}

// GeneratedNow is the generated association's present: its activity stops
// there (the staff walk sets the application's clock to it).
func GeneratedNow() time.Time { return genNow }
