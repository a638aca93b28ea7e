package demo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"tremplin/internal/impact"
	"tremplin/internal/learners"
	"tremplin/internal/partners"
	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/platform/siret"
	"tremplin/internal/training"
	"tremplin/internal/volunteers"
)

// GenerateOptions size the association Generate invents.
type GenerateOptions struct {
	Learners int // people registered; cohorts are about Learners/40
	Antennas int // default 100
	// Volunteers of the antennas (0: 200 an antenna; negative: none), with
	// their missions, shifts and hours, and the civic service of some antennas.
	Volunteers int
	// Donors the antennas follow (0: 300 an antenna; negative: none), with
	// their gifts and receipts.
	Donors int
	Seed   int64 // same seed, same association
	Out    io.Writer
}

// The generated association's activity runs from genStart to genEnd (fixed, so
// that a seed always gives the same data).
var (
	genStart = time.Date(2022, 1, 3, 0, 0, 0, 0, time.UTC)
	genEnd   = time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)
)

type genProgramme struct {
	title, level     string
	hours            int
	meetings, length int // meetings per cohort, hours per meeting
	weight           int
}

var genProgrammes = []genProgramme{
	{"Premiers pas numériques", "debutant", 108, 36, 3, 30},
	{"Internet et démarches en ligne", "intermediaire", 132, 44, 3, 25},
	{"Bureautique et emploi", "intermediaire", 132, 44, 3, 20},
	{"Outils numériques avancés", "avance", 162, 54, 3, 15},
	{"Développeur·se web et web mobile", "certifiant", 600, 150, 4, 5},
	{"Technicien·ne d'assistance informatique", "certifiant", 600, 150, 4, 5},
}

var (
	genFirst = []string{"Amina", "Mohamed", "Fatou", "Ibrahim", "Sarah", "Yacine", "Awa", "Karim", "Léa", "Moussa", "Nadia", "Omar",
		"Hélène", "Youssef", "Mariam", "Samuel", "Aïcha", "Lucas", "Fatima", "Ali", "Chloé", "Mamadou", "Inès", "Abdou", "Zainab",
		"Thomas", "Salma", "Hamid", "Julie", "Bakary", "Nour", "Pierre", "Khadija", "Ahmed", "Emma", "Said", "Rokia", "Jean", "Leila", "Hassan"}
	genLast = []string{"Diallo", "Traoré", "Martin", "Benali", "Camara", "Bernard", "Haddad", "Koné", "Dubois", "Mansour", "Sow",
		"Petit", "Nguyen", "Cissé", "Moreau", "Rahmani", "Keita", "Laurent", "Haidari", "Fofana", "Girard", "Bah", "Mercier", "Touré",
		"Lefèvre", "Sy", "Rousseau", "Ouattara", "Fontaine", "Kaba", "Chevalier", "Niang", "Garcia", "Sissoko", "Morel", "Dembélé",
		"Mwale", "Banda", "Phiri", "Habimana", "Nkurunziza", "Mutombo", "Hakizimana", "Uwimana", "Ndayishimiye", "Kabila"}
	genPartnerNames = []string{"CCAS de", "Centre d'accueil de demandeurs d'asile de", "Mission locale de"}
	genCities       = []string{"Lille", "Paris", "Bordeaux", "Lyon", "Marseille", "Toulouse", "Nantes", "Strasbourg", "Rennes", "Montpellier",
		"Grenoble", "Rouen", "Metz", "Reims", "Amiens", "Tours", "Dijon", "Brest", "Limoges", "Nîmes"}
	genPositive = []string{"cdi", "cdd_long", "cdd_short", "temp", "business", "training"}
)

// Generate fills an empty database with an invented association at scale: antennas,
// places, staff, programmes, cohorts (about one per 40 people), their meetings,
// people with their path (history, positioning, enrolment, attendance — about 30
// marks each —, exit and follow-ups), their interviews with advisers and the SMS
// about them (generate_appointments.go), then derives the impact counters. Rows go
// in by thousands per statement, in large transactions, with the secondary
// indexes of the largest tables dropped during the load and built again after.
func Generate(ctx context.Context, d *db.DB, o GenerateOptions) error {
	if o.Antennas <= 0 {
		o.Antennas = 100
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.Volunteers == 0 {
		o.Volunteers = genVolunteersPerAntenna * o.Antennas
	}
	if o.Learners <= 0 {
		return errors.New("generate: --learners must be positive")
	}
	var existing int
	if err := d.QueryRowContext(ctx, "SELECT COUNT(*) FROM learners").Scan(&existing); err != nil {
		return err
	}
	if existing > 0 {
		return fmt.Errorf("generate: the database already has %d learners; use an empty database "+
			"(after a run that stopped midway, its indexes and identity counters were put back when this one opened the database)", existing)
	}
	// Until the load ends, the next start knows to put back what it dropped and
	// to move the identity counters past the ids it wrote.
	endLoad, err := d.BeginLoad(ctx)
	if err != nil {
		return fmt.Errorf("generate: %w", err)
	}
	defer endLoad()
	g := &generator{d: d, ctx: ctx, o: o, rng: rand.New(rand.NewPCG(uint64(o.Seed), 0x7472656d706c696e)), start: time.Now()}
	g.ag = newApptGen(g)
	// Foreign keys are not checked row by row during the load (the generator
	// writes parents before children), on its own connection only.
	if d.Engine == db.SQLite {
		// A crash here loses only generated data.
		for _, p := range []string{"PRAGMA synchronous=OFF", "PRAGMA cache_size=-262144", "PRAGMA foreign_keys=OFF"} {
			if _, err := d.Exec(ctx, p); err != nil {
				return err
			}
		}
		defer d.Exec(context.WithoutCancel(ctx), "PRAGMA foreign_keys=ON")
	} else if err := d.QueryRowContext(ctx, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user").Scan(&g.noTriggers); err != nil {
		return err
	}
	steps := []struct {
		name string
		fn   func() error
	}{
		{"antennas, places, staff, programmes", g.organisation},
		{"cohorts and meetings", g.cohorts},
		{"dropping secondary indexes for the load", g.dropIndexes},
		{"people, paths, enrolments, follow-ups", g.people},
		{"attendance", g.attendance},
		{"interviews of the weeks around now", g.ag.aroundNow},
		{"volunteers, missions, shifts, hours", g.volunteersStep},
		{"civic service", g.civicService},
		{"donors, gifts, receipts", g.donationsStep},
		{"companies' recruiters and job offers", g.jobsStep},
		{"summary of approved minutes", func() error { return volunteers.RebuildSummaries(ctx, d) }},
		{"rebuilding indexes, identity sequences", func() error { return d.FinishLoad(ctx) }},
		{"recruiter profiles and their consents", g.profilesStep},
		{"applications to the offers, hires", g.applicationsStep},
		{"impact counters", func() error { return impact.Rebuild(ctx, d) }},
		{"search keys of names and phones", func() error { return learners.RebuildKeys(ctx, d, o.Out) }},
		{"statistics", g.analyze},
	}
	for _, s := range steps {
		t := time.Now()
		fmt.Fprintf(o.Out, "%-42s ", s.name+"…")
		if err := s.fn(); err != nil {
			fmt.Fprintln(o.Out)
			return fmt.Errorf("generate: %s: %w", s.name, err)
		}
		fmt.Fprintf(o.Out, "%8s\n", time.Since(t).Round(10*time.Millisecond))
	}
	fmt.Fprintf(o.Out, "generated %d antennas, %d cohorts, %d meetings, %d learners, %d enrolments, %d attendance marks, %d history rows, "+
		"%d appointments, %d SMS (%d failed), %d reply links, %d free slots, %s in %s\n",
		o.Antennas, len(g.cohortList), g.meetings, o.Learners, g.enrolments, g.marks, g.history,
		g.ag.appointments, g.ag.messages, g.ag.failed, g.ag.links, g.ag.slots, g.vg.summary(), time.Since(g.start).Round(time.Second))
	return nil
}

type genCohort struct {
	id, antenna, programme int64
	prog                   *genProgramme
	starts, ends           time.Time
	meetingIDs             []int64
	meetingStart           []time.Time
	capacity               int
	seats                  []genSeat
}

type genSeat struct {
	learner int64
	dropAt  time.Time // zero unless the person dropped out
}

type generator struct {
	d     *db.DB
	ctx   context.Context
	o     GenerateOptions
	rng   *rand.Rand
	start time.Time

	antennaIDs   []int64
	staffByAnt   map[int64][]int64 // the manager first, then the advisers
	staffName    map[int64]string
	orgsByAnt    map[int64][]int64 // partner organisations referring people to the antenna
	programmeIDs []int64
	cohortList   []*genCohort
	byAntenna    map[int64][]*genCohort // sorted by start
	noTriggers   bool
	ag           *apptGen
	vg           *volGen // nil without volunteers

	meetings, enrolments, marks, history int
}

// tx runs fn in a write transaction; on PostgreSQL, for a superuser, without the
// per-row foreign-key triggers (the generator writes consistent rows in order).
func (g *generator) tx(fn func(tx *sql.Tx) error) error {
	return g.d.Tx(g.ctx, func(tx *sql.Tx) error {
		if g.noTriggers {
			if _, err := tx.ExecContext(g.ctx, "SET LOCAL session_replication_role = replica"); err != nil {
				return err
			}
		}
		return fn(tx)
	})
}

// pipe builds statements in this goroutine (produce calls emit) while another runs
// them, committing every perTx statements: on two cores, making the rows and
// writing them overlap. On PostgreSQL rows go through COPY.
func (g *generator) pipe(perTx int, produce func(emit func(db.BatchJob)) error) error {
	ch := make(chan db.BatchJob, 16)
	done := make(chan error, 1)
	go func() {
		var err error
		if g.d.Engine == db.Postgres {
			err = g.copyAll(ch)
		} else {
			more := true
			for more && err == nil {
				err = g.tx(func(tx *sql.Tx) error {
					for range perTx {
						j, ok := <-ch
						if !ok {
							more = false
							return nil
						}
						if _, err := tx.ExecContext(g.ctx, j.SQL); err != nil {
							return err
						}
					}
					return nil
				})
			}
		}
		for range ch { // let the producer finish after a failure
		}
		done <- err
	}()
	err := produce(func(j db.BatchJob) { ch <- j })
	close(ch)
	if werr := <-done; werr != nil {
		return werr
	}
	return err
}

// copyAll runs the jobs on one PostgreSQL connection, rows through COPY.
func (g *generator) copyAll(ch <-chan db.BatchJob) error {
	conn, err := g.d.WriterConn(g.ctx) // on PostgreSQL the pool is the writer
	if err != nil {
		return err
	}
	defer conn.Close()
	if g.noTriggers {
		if _, err := conn.ExecContext(g.ctx, "SET session_replication_role = replica"); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(g.ctx), "RESET session_replication_role")
	}
	for j := range ch {
		if j.SQL != "" {
			if _, err := conn.ExecContext(g.ctx, j.SQL); err != nil {
				return err
			}
			continue
		}
		err := conn.Raw(func(dc any) error {
			_, err := dc.(*stdlib.Conn).Conn().CopyFrom(g.ctx, pgx.Identifier{j.Table}, j.Cols, pgx.CopyFromRows(j.Rows))
			return err
		})
		if err != nil {
			return fmt.Errorf("copy into %s: %w", j.Table, err)
		}
	}
	return nil
}

func dateOf(t time.Time) string { return t.Format(time.DateOnly) }

func (g *generator) organisation() error {
	hash, err := auth.HashPassword("tremplin-demo")
	if err != nil {
		return err
	}
	created := db.FormatTime(genStart)
	g.staffByAnt = map[int64][]int64{}
	g.staffName = map[int64]string{}
	g.orgsByAnt = map[int64][]int64{}
	return g.tx(func(tx *sql.Tx) error {
		for i := range g.o.Antennas {
			city := genCities[i%len(genCities)]
			country, tz := "FR", "Europe/Paris"
			if i%25 == 24 {
				city, country, tz = "Dzaleka", "MW", "Africa/Blantyre"
			}
			name := fmt.Sprintf("%s %03d", city, i+1)
			phone := fmt.Sprintf("+3314%07d", 1000000+i)
			var id int64
			if err := tx.QueryRowContext(g.ctx, `INSERT INTO antennas (name, city, country, timezone, address, phone, created_at, updated_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id`, name, city, country, tz, fmt.Sprintf("%d rue de la République", i+1),
				phone, created).Scan(&id); err != nil {
				return err
			}
			g.antennaIDs = append(g.antennaIDs, id)
			g.ag.ants[id] = &genAntenna{name: name, phone: phone, loc: training.Location(tz), fr: country == "FR"}
			// Each place carries what the open-data files need: its establishment's
			// SIRET (the association's SIREN and a NIC), an address, its hours.
			for p := range 2 {
				if _, err := tx.ExecContext(g.ctx, `INSERT INTO places (antenna_id, name, address, postcode, city, opening_hours, accessibility, pivot, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`, id, fmt.Sprintf("Salle %s %d", name, p+1), fmt.Sprintf("%d place du Marché", p+1),
					fmt.Sprintf("%05d", 10000+i*10+p), city, genHours[(i+p)%len(genHours)], "Accès de plain-pied, toilettes adaptées.",
					genSIRET(fmt.Sprintf("%04d", i*2+p+1)), created); err != nil {
					return err
				}
			}
			for s := range 4 {
				role := auth.Adviser
				if s == 0 {
					role = auth.Manager
				}
				var sid int64
				staffName := fmt.Sprintf("%s %s", genFirst[(i+s)%len(genFirst)], genLast[(i*4+s)%len(genLast)])
				if err := tx.QueryRowContext(g.ctx, `INSERT INTO staff (name, email, password_hash, role, created_at, updated_at)
					VALUES ($1, $2, $3, $4, $5, $5) RETURNING id`, staffName,
					fmt.Sprintf("%s%d.a%03d@generated.example", role, s, i+1), hash, role, created).Scan(&sid); err != nil {
					return err
				}
				g.staffName[sid] = staffName
				if _, err := tx.ExecContext(g.ctx, "INSERT INTO staff_antennas (staff_id, antenna_id) VALUES ($1, $2)", sid, id); err != nil {
					return err
				}
				g.staffByAnt[id] = append(g.staffByAnt[id], sid)
			}
			for k, kind := range []string{"ccas", "cada", "local_mission"} {
				var oid int64
				if err := tx.QueryRowContext(g.ctx, `INSERT INTO partner_orgs (name, kind, stage, created_at, updated_at)
					VALUES ($1, $2, 'active', $3, $3) RETURNING id`, fmt.Sprintf("%s %s", genPartnerNames[k], city), kind, created).Scan(&oid); err != nil {
					return err
				}
				if _, err := tx.ExecContext(g.ctx, "INSERT INTO partner_antennas (org_id, antenna_id) VALUES ($1, $2)", oid, id); err != nil {
					return err
				}
				// One contact each, so that the contact pages have someone to show.
				var cid int64
				if err := tx.QueryRowContext(g.ctx, `INSERT INTO partner_contacts (org_id, name, role, email, created_at)
					VALUES ($1, $2, 'Référente', $3, $4) RETURNING id`, oid, fmt.Sprintf("%s %s", genFirst[(i+k+7)%len(genFirst)], genLast[(i+k*5)%len(genLast)]),
					fmt.Sprintf("contact%d.a%03d@generated.example", k, i+1), created).Scan(&cid); err != nil {
					return err
				}
				if _, err := tx.ExecContext(g.ctx, "INSERT INTO partner_contact_antennas (contact_id, antenna_id) VALUES ($1, $2)", cid, id); err != nil {
					return err
				}
				g.orgsByAnt[id] = append(g.orgsByAnt[id], oid)
			}
		}
		if _, err := tx.ExecContext(g.ctx, `INSERT INTO staff (name, email, password_hash, role, created_at, updated_at)
			VALUES ('Administration nationale', 'admin@generated.example', $1, 'admin', $2, $2)`, hash, created); err != nil {
			return err
		}
		if _, err := tx.ExecContext(g.ctx, `INSERT INTO association (id, name, siret, rna, website, email, phone, description, networks, updated_at)
			VALUES (1, 'Association générée', $1, 'W595000001', 'https://generated.example', 'contact@generated.example', '+33140000000',
			'Association inventée pour mesurer l''application à grande échelle : elle forme au numérique.', 'konexio', $2)`,
			genSIRET("0001"), created); err != nil {
			return err
		}
		for _, p := range genProgrammes {
			var id int64
			if err := tx.QueryRowContext(g.ctx, `INSERT INTO programmes (title, level, description, total_hours, certifying, created_at, updated_at)
				VALUES ($1, $2, '', $3, $4, $5, $5) RETURNING id`, p.title, p.level, p.hours, p.level == "certifiant", created).Scan(&id); err != nil {
				return err
			}
			g.programmeIDs = append(g.programmeIDs, id)
		}
		return nil
	})
}

// genSIREN is the generated association's SIREN (a valid Luhn number).
const genSIREN = "732829320"

// genHours are opening hours in OpenStreetMap syntax, as an admin would type them.
var genHours = []string{"Mo-Fr 09:00-12:00,14:00-17:00", "Mo,We,Fr 09:00-17:00", "Tu-Sa 10:00-18:00"}

// genSIRET is the SIRET of the generated association's establishment nic (4
// digits), with the check digit that makes the 14 digits pass Luhn.
func genSIRET(nic string) string {
	for c := '0'; c <= '9'; c++ {
		if s := genSIREN + nic + string(c); siret.ValidSIRET(s) {
			return s
		}
	}
	panic("no check digit")
}

func (g *generator) pickProgramme() int {
	total := 0
	for _, p := range genProgrammes {
		total += p.weight
	}
	n := g.rng.IntN(total)
	for i, p := range genProgrammes {
		if n < p.weight {
			return i
		}
		n -= p.weight
	}
	return 0
}

func (g *generator) cohorts() error {
	n := max(g.o.Learners/40, 1)
	days := int(genEnd.Sub(genStart).Hours() / 24)
	// The cohorts of each antenna, placed at random over the years, then numbered
	// by start so that meeting ids and times grow together.
	for range n {
		pi := g.pickProgramme()
		c := &genCohort{antenna: g.antennaIDs[g.rng.IntN(len(g.antennaIDs))], programme: g.programmeIDs[pi], prog: &genProgrammes[pi],
			starts: genStart.AddDate(0, 0, 30+g.rng.IntN(days-30)), capacity: 50}
		for c.starts.Weekday() != time.Monday {
			c.starts = c.starts.AddDate(0, 0, 1)
		}
		g.cohortList = append(g.cohortList, c)
	}
	sort.SliceStable(g.cohortList, func(i, j int) bool { return g.cohortList[i].starts.Before(g.cohortList[j].starts) })
	places := map[int64]int64{}
	err := db.Each(g.d.QueryContext(g.ctx, "SELECT antenna_id, MIN(id) FROM places GROUP BY antenna_id"))(func(row db.Scanner) error {
		var a, p int64
		if err := row.Scan(&a, &p); err != nil {
			return err
		}
		places[a] = p
		return nil
	})
	if err != nil {
		return err
	}
	var nextCohort, nextMeeting int64
	if err := g.d.QueryRowContext(g.ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM cohorts").Scan(&nextCohort); err != nil {
		return err
	}
	if err := g.d.QueryRowContext(g.ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM meetings").Scan(&nextMeeting); err != nil {
		return err
	}
	g.byAntenna = map[int64][]*genCohort{}
	return g.tx(func(tx *sql.Tx) error {
		cb := db.NewBatch(g.ctx, tx, "cohorts", "id", "programme_id", "antenna_id", "place_id", "capacity", "starts_on", "ends_on", "state", "feed_token", "created_at", "updated_at")
		mb := db.NewBatch(g.ctx, tx, "meetings", "id", "cohort_id", "starts_at", "ends_at", "created_at")
		mb.Hold()
		for _, c := range g.cohortList {
			c.id = nextCohort
			nextCohort++
			// Basic courses three mornings a week; certifying ones every weekday.
			day := c.starts
			for len(c.meetingIDs) < c.prog.meetings {
				wd := day.Weekday()
				if (c.prog.level != "certifiant" && (wd == time.Monday || wd == time.Wednesday || wd == time.Friday)) ||
					(c.prog.level == "certifiant" && wd >= time.Monday && wd <= time.Friday) {
					s := day.Add(8 * time.Hour)
					if err := mb.Add(nextMeeting, c.id, db.FormatTime(s), db.FormatTime(s.Add(time.Duration(c.prog.length)*time.Hour)), db.FormatTime(c.starts.AddDate(0, 0, -20))); err != nil {
						return err
					}
					c.meetingIDs, c.meetingStart = append(c.meetingIDs, nextMeeting), append(c.meetingStart, s)
					nextMeeting++
					g.meetings++
				}
				day = day.AddDate(0, 0, 1)
			}
			c.ends = c.meetingStart[len(c.meetingStart)-1].Truncate(24 * time.Hour)
			state := "finished"
			if !c.ends.Before(genEnd) {
				state = "running"
			}
			if c.starts.After(genEnd) {
				state = "open"
			}
			if err := cb.Add(c.id, c.programme, c.antenna, places[c.antenna], c.capacity, dateOf(c.starts), dateOf(c.ends), state,
				fmt.Sprintf("gen%016x", g.rng.Uint64()), db.FormatTime(c.starts.AddDate(0, 0, -30)), db.FormatTime(c.starts.AddDate(0, 0, -30))); err != nil {
				return err
			}
			g.byAntenna[c.antenna] = append(g.byAntenna[c.antenna], c)
		}
		if err := cb.Flush(); err != nil {
			return err
		}
		return mb.Flush()
	})
}

// droppedIndex is a secondary index removed for the load, with what rebuilds it.
type droppedIndex struct{ name, create string }

// bulkTables are the tables whose secondary indexes are cheaper to build once
// than to keep up row by row.
var bulkTables = []string{"learners", "learner_history", "positioning_tests", "enrolments", "attendance", "learner_followups",
	"appointments", "messages", "reply_links", "volunteer_signups", "volunteer_hours"}

func (g *generator) dropIndexes() error {
	var dropped []droppedIndex
	for _, table := range bulkTables {
		var q string
		if g.d.Engine == db.SQLite {
			q = "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = $1 AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%'"
		} else {
			// The unique ones are left out below, not here: a condition on indexdef
			// may be evaluated for the same table of other schemas, and fails on
			// an index another session is dropping (tests share the server).
			q = `SELECT indexname, indexdef FROM pg_indexes WHERE tablename = $1 AND schemaname = current_schema()`
		}
		err := db.Each(g.d.QueryContext(g.ctx, q, table))(func(row db.Scanner) error {
			var ix droppedIndex
			if err := row.Scan(&ix.name, &ix.create); err != nil {
				return err
			}
			if !strings.HasPrefix(ix.create, "CREATE UNIQUE") { // primary keys and unique indexes check what is loaded
				dropped = append(dropped, ix)
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	// Each noted before it is dropped: the load's end, or the next start if
	// the load stops midway, makes it again (db.FinishLoad).
	for _, ix := range dropped {
		if err := g.d.DropIndexForLoad(g.ctx, ix.name, ix.create); err != nil {
			return err
		}
	}
	return nil
}

func (g *generator) analyze() error {
	q := "ANALYZE"
	if g.d.Engine == db.Postgres {
		// VACUUM too: PostgreSQL reads an index alone only for pages its visibility
		// map marks all-visible, which a freshly loaded table has none of until
		// autovacuum comes by (searches took ten times as long until then). Only this
		// schema's tables: a bare VACUUM reads every schema of the database.
		q = "VACUUM (ANALYZE) antennas, places, staff, staff_antennas, programmes, cohorts, meetings, partner_orgs, referrals, referral_people, " + strings.Join(bulkTables, ", ") +
			", appointment_slots, impact_people, impact_days, impact_months, impact_referrals, learner_keys" +
			", volunteers, volunteer_skills, volunteer_languages, volunteer_requirements, volunteer_missions, volunteer_shifts, volunteer_cec_confirmations" +
			", civic_approvals, civic_approval_antennas, civic_offers, civic_applications, civic_application_events, civic_contracts, civic_obligations" +
			", donors, gifts, receipts, receipt_gifts, recruiter_profiles, recruiter_profile_courses, profile_consents, positioning_test_scores"
	}
	_, err := g.d.Exec(g.ctx, q)
	return err
}

func (g *generator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

func (g *generator) situations() string {
	var out []string
	for _, s := range []struct {
		code string
		p    float64
	}{{"rsa", 0.35}, {"young_unqualified", 0.22}, {"qpv", 0.3}, {"job_seeker", 0.45}, {"asylum", 0.18}, {"other", 0.08}} {
		if g.rng.Float64() < s.p {
			out = append(out, s.code)
		}
	}
	return strings.Join(out, ",")
}

// gender answers the optional question: most people do, a few do not.
func (g *generator) gender() string {
	switch r := g.rng.Float64(); {
	case r < 0.52:
		return "woman"
	case r < 0.92:
		return "man"
	case r < 0.93:
		return "other"
	}
	return ""
}

func (g *generator) people() error {
	if err := g.ag.load(); err != nil {
		return err
	}
	var next struct{ learner, history, test, enrolment, referral int64 }
	for _, q := range []struct {
		table string
		dst   *int64
	}{{"learners", &next.learner}, {"learner_history", &next.history}, {"positioning_tests", &next.test}, {"enrolments", &next.enrolment},
		{"referrals", &next.referral}} {
		if err := g.d.QueryRowContext(g.ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM "+q.table).Scan(q.dst); err != nil {
			return err
		}
	}
	days := int(genEnd.Sub(genStart).Hours() / 24)
	const chunk = 20_000
	return g.pipe(100, func(emit func(db.BatchJob)) error {
		for done := 0; done < g.o.Learners; done += chunk {
			n := min(chunk, g.o.Learners-done)
			err := func(tx *sql.Tx) error {
				lb := db.NewBatch(g.ctx, tx, "learners", "id", "antenna_id", "first_name", "last_name", "phone", "birth_year", "postcode", "town",
					"languages", "french_level", "situations", "status", "status_reason", "consent_text", "consent_at", "source", "lang",
					"first_key", "last_key", "exited_on", "created_at", "updated_at", "gender", "phone_undeliverable_at")
				hb := db.NewBatch(g.ctx, tx, "learner_history", "id", "learner_id", "kind", "status", "detail", "staff_id", "at")
				tb := db.NewBatch(g.ctx, tx, "positioning_tests", "id", "learner_id", "staff_id", "taken_at", "lang", "percent", "level", "intermediate_from", "advanced_from")
				eb := db.NewBatch(g.ctx, tx, "enrolments", "id", "cohort_id", "learner_id", "state", "since", "updated_by", "created_at", "updated_at")
				fb := db.NewBatch(g.ctx, tx, "learner_followups", "learner_id", "milestone", "due_on", "situation", "note", "staff_id", "recorded_at", "antenna_id")
				rb := db.NewBatch(g.ctx, tx, "referrals", "id", "org_id", "antenna_id", "source", "created_at")
				pb := db.NewBatch(g.ctx, tx, "referral_people", "referral_id", "learner_id", "state", "reason", "updated_at")
				// Held until the people and referrals they refer to are written.
				for _, b := range []*db.Batch{hb, tb, eb, fb, pb} {
					b.Hold()
				}
				for _, b := range []*db.Batch{lb, rb, pb, hb, tb, eb, fb} {
					b.Emit(emit, g.d.Engine == db.Postgres)
				}
				interviews := g.ag.batches(emit, true)
				for range n {
					id := next.learner
					next.learner++
					antenna := g.antennaIDs[g.rng.IntN(len(g.antennaIDs))]
					staff := g.staffByAnt[antenna]
					adviser := staff[1+g.rng.IntN(len(staff)-1)]
					created := genStart.AddDate(0, 0, g.rng.IntN(days)).Add(time.Duration(8*3600+g.rng.IntN(10*3600)) * time.Second)
					first, last := g.pick(genFirst), g.pick(genLast)
					birth := 1950 + g.rng.IntN(58)
					if g.rng.IntN(50) == 0 {
						birth = 0
					}
					status, reason, exited := learners.Received, "", ""
					var contactedAt, testedAt, exitDay time.Time
					at := created
					hist := func(kind, status, detail string, when time.Time) error {
						g.history++
						next.history++
						return hb.Add(next.history-1, id, kind, status, detail, adviser, db.FormatTime(when))
					}
					if err := hist("registered", learners.Received, "", created); err != nil {
						return err
					}
					step := func(s string, when time.Time) error {
						if when.After(genEnd) {
							return errStop
						}
						status, at = s, when
						return hist("status", s, "", when)
					}
					err := func() error {
						if err := step(learners.Contacted, created.Add(time.Duration(1+g.rng.IntN(72))*time.Hour)); err != nil {
							return err
						}
						contactedAt = at
						if g.rng.IntN(100) < 12 {
							return nil // never came back
						}
						tested := at.Add(time.Duration(24+g.rng.IntN(20*24)) * time.Hour)
						if tested.After(genEnd) {
							return errStop
						}
						pct := 10 + g.rng.IntN(85)
						level := "debutant"
						if pct >= 70 {
							level = "avance"
						} else if pct >= 35 {
							level = "intermediaire"
						}
						if err := tb.Add(next.test, id, adviser, db.FormatTime(tested), "fr", pct, level, 35, 70); err != nil {
							return err
						}
						next.test++
						if err := step(learners.Positioned, tested); err != nil {
							return err
						}
						testedAt = tested
						switch r := g.rng.IntN(100); {
						case r < 6:
							reason = "orientation"
							return step(learners.Oriented, at.AddDate(0, 0, 2))
						case r < 10:
							reason = "age"
							return step(learners.NotEligible, at.AddDate(0, 0, 2))
						}
						c := g.seatIn(antenna, at)
						if c == nil {
							if err := step(learners.Waitlisted, at.AddDate(0, 0, 3)); err != nil {
								return err
							}
							if cs := g.byAntenna[antenna]; len(cs) > 0 {
								// Waitlisted for the antenna's latest cohort.
								g.enrolments++
								next.enrolment++
								return eb.Add(next.enrolment-1, cs[len(cs)-1].id, id, "waitlisted", db.FormatTime(at), adviser, db.FormatTime(at), db.FormatTime(at))
							}
							return nil
						}
						enrolled := at.Add(time.Duration(24+g.rng.IntN(5*24)) * time.Hour)
						if enrolled.After(c.starts) {
							enrolled = c.starts.Add(-time.Hour)
						}
						g.enrolments++
						next.enrolment++
						if err := eb.Add(next.enrolment-1, c.id, id, "enrolled", db.FormatTime(enrolled), adviser, db.FormatTime(enrolled), db.FormatTime(enrolled)); err != nil {
							return err
						}
						if err := step(learners.Enrolled, enrolled); err != nil {
							return err
						}
						seat := genSeat{learner: id}
						defer func() { c.seats = append(c.seats, seat) }()
						if err := step(learners.InTraining, c.starts.Add(8*time.Hour)); err != nil {
							return err
						}
						outcome := learners.Completed
						r := g.rng.IntN(100)
						switch {
						case r < 15:
							outcome = learners.Dropped
						case c.prog.level == "certifiant" && r < 85:
							outcome = learners.Certified
						}
						end := c.ends
						if outcome == learners.Dropped {
							k := 1 + g.rng.IntN(len(c.meetingStart)-1)
							seat.dropAt = c.meetingStart[k]
							end = seat.dropAt.Truncate(24 * time.Hour)
							reason = "personal"
						}
						exitAt := end.Add(18 * time.Hour)
						if exitAt.After(genEnd) {
							seat.dropAt = time.Time{}
							return errStop
						}
						if err := step(outcome, exitAt); err != nil {
							return err
						}
						exited, exitDay = dateOf(end), end
						for i, m := range []string{"m3", "m6"} {
							due := end.AddDate(0, 3*(i+1), 0)
							situation, recorded := "", ""
							if rec := due.AddDate(0, 0, g.rng.IntN(21)); !rec.After(genEnd) && g.rng.IntN(100) < 75 {
								recorded = db.FormatTime(rec.Add(10 * time.Hour))
								if g.rng.IntN(100) < 58 {
									situation = g.pick(genPositive)
								} else if g.rng.IntN(100) < 70 {
									situation = "job_search"
								} else {
									situation = "no_news"
								}
								if rec.After(at) {
									at = rec
								}
							}
							var staffArg any
							if recorded != "" {
								staffArg = adviser
							}
							if err := fb.Add(id, m, dateOf(due), situation, "", staffArg, recorded, antenna); err != nil {
								return err
							}
						}
						return nil
					}()
					if err != nil && !errors.Is(err, errStop) {
						return err
					}
					if !slices.Contains([]string{learners.Oriented, learners.NotEligible, learners.Dropped}, status) {
						reason = ""
					}
					// Their interviews and the SMS about them, in their language.
					p := &genPerson{id: id, antenna: antenna, adviser: adviser, first: first, last: last, lang: g.ag.lang(), created: created}
					undeliverable, err := g.ag.person(p, status, contactedAt, testedAt, exitDay)
					if err != nil {
						return err
					}
					createdS := db.FormatTime(created)
					if err := lb.Add(id, antenna, first, last, phoneOf(id), birth, fmt.Sprintf("%05d", 10000+g.rng.IntN(80000)), "",
						"fr", g.pick(learners.FrenchLevels), g.situations(), status, reason, "J'accepte que l'association garde mes informations.", createdS, "web", p.lang,
						learners.NameKey(first), learners.NameKey(last), exited, createdS, db.FormatTime(at), g.gender(), undeliverable); err != nil {
						return err
					}
					// One person in seven is referred by a partner organisation of the
					// antenna; the referral follows their path.
					if orgs := g.orgsByAnt[antenna]; len(orgs) > 0 && g.rng.IntN(7) == 0 {
						state, why := partners.StateFor(status)
						if state == "" {
							state = partners.Sent
						}
						if err := rb.Add(next.referral, orgs[g.rng.IntN(len(orgs))], antenna, "staff", createdS); err != nil {
							return err
						}
						if err := pb.Add(next.referral, id, state, why, db.FormatTime(at)); err != nil {
							return err
						}
						next.referral++
					}
				}
				for _, b := range append([]*db.Batch{lb, rb, pb, hb, tb, eb, fb}, interviews...) {
					if err := b.Flush(); err != nil {
						return err
					}
				}
				return nil
			}(nil)
			if err != nil {
				return err
			}
			if (done+n)%100_000 == 0 || done+n == g.o.Learners {
				fmt.Fprintf(g.o.Out, "\n  %d/%d people (%s)", done+n, g.o.Learners, time.Since(g.start).Round(time.Second))
			}
		}
		fmt.Fprintf(g.o.Out, "\n%-42s ", "")
		return nil
	})
}

var errStop = errors.New("the path goes past the end of the generated period")

// seatIn finds a cohort of the antenna starting one to twelve weeks after t with a
// seat left.
func (g *generator) seatIn(antenna int64, t time.Time) *genCohort {
	cs := g.byAntenna[antenna]
	lo := sort.Search(len(cs), func(i int) bool { return cs[i].starts.After(t.AddDate(0, 0, 7)) })
	var open []*genCohort
	for i := lo; i < len(cs) && cs[i].starts.Before(t.AddDate(0, 0, 84)); i++ {
		if len(cs[i].seats) < cs[i].capacity {
			open = append(open, cs[i])
		}
	}
	if len(open) == 0 {
		return nil
	}
	return open[g.rng.IntN(len(open))]
}

// attendance marks every seated person at each meeting held before the end of the
// period (and before they dropped out): mostly present.
func (g *generator) attendance() error {
	return g.pipe(200, func(emit func(db.BatchJob)) error {
		ab := db.NewBatch(g.ctx, nil, "attendance", "meeting_id", "learner_id", "mark", "marked_by", "marked_at")
		ab.Emit(emit, g.d.Engine == db.Postgres)
		for i, c := range g.cohortList {
			staff := g.staffByAnt[c.antenna]
			slices.SortFunc(c.seats, func(a, b genSeat) int { return int(a.learner - b.learner) })
			for k, mid := range c.meetingIDs {
				start := c.meetingStart[k]
				if start.After(genEnd) {
					break
				}
				marked := db.FormatTime(start.Add(time.Duration(c.prog.length) * time.Hour))
				for _, s := range c.seats {
					if !s.dropAt.IsZero() && start.After(s.dropAt) {
						continue
					}
					mark := "present"
					switch r := g.rng.IntN(100); {
					case r < 7:
						mark = "late"
					case r < 17:
						mark = "absent"
					case r < 22:
						mark = "excused"
					}
					g.marks++
					if err := ab.Add(mid, s.learner, mark, staff[1], marked); err != nil {
						return err
					}
				}
			}
			if i%4000 == 3999 || i == len(g.cohortList)-1 {
				fmt.Fprintf(g.o.Out, "\n  %d/%d cohorts, %d marks (%s)", i+1, len(g.cohortList), g.marks, time.Since(g.start).Round(time.Second))
			}
		}
		if err := ab.Flush(); err != nil {
			return err
		}
		fmt.Fprintf(g.o.Out, "\n%-42s ", "")
		return nil
	})
}
