package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"tremplin/internal/jobs"
	"tremplin/internal/platform/db"
)

// genJobsROME are the jobs the generated companies recruit for: mostly the
// digital trades the association trains for.
var genJobsROME = []string{"M1805", "M1805", "M1805", "M1802", "M1810", "M1801", "I1401", "E1205", "D1408", "M1607", "M1606"}

var genJobsTitles = map[string][]string{
	"M1805": {"Développeur·se web", "Développeur·se front-end junior", "Intégrateur·rice web", "Développeur·se PHP"},
	"M1802": {"Technicien·ne support applicatif"}, "M1810": {"Technicien·ne d'exploitation"}, "M1801": {"Administrateur·rice systèmes junior"},
	"I1401": {"Technicien·ne de maintenance informatique"}, "E1205": {"Webdesigner"}, "D1408": {"Téléconseiller·ère"},
	"M1607": {"Secrétaire"}, "M1606": {"Opérateur·rice de saisie"},
}

// jobsStep gives each generated company (an organisation donor) a recruiter
// with access to the company space and one to four offers posted over the last
// year before genEnd, in the city the company is in: half open, some paused,
// a quarter filled, the rest closed, each with its log.
func (g *generator) jobsStep() error {
	if g.o.Donors < 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(g.o.Seed), 0x6a6f6273))
	pick := func(list []string) string { return list[rng.IntN(len(list))] }
	type company struct {
		id   int64
		city string
	}
	companies, err := db.Collect[company](g.d.QueryContext(g.ctx, "SELECT id, city FROM donors WHERE kind = 'organisation' ORDER BY id"))(
		func(row db.Scanner) (company, error) {
			var c company
			return c, row.Scan(&c.id, &c.city)
		})
	if err != nil {
		return err
	}
	var next struct{ contact, recruiter, offer, event int64 }
	for _, q := range []struct {
		table string
		dst   *int64
	}{{"donor_contacts", &next.contact}, {"recruiters", &next.recruiter}, {"job_offers", &next.offer}, {"job_offer_events", &next.event}} {
		if err := g.d.QueryRowContext(g.ctx, "SELECT COALESCE(MAX(id), 0) + 1 FROM "+q.table).Scan(q.dst); err != nil {
			return err
		}
	}
	pg := g.d.Engine == db.Postgres
	year := genEnd.AddDate(-1, 0, 0)
	var offersN int
	err = g.pipe(50, func(emit func(db.BatchJob)) error {
		cs := db.NewBatch(g.ctx, nil, "donor_contacts", "id", "donor_id", "name", "role", "email", "phone", "created_at")
		rs := db.NewBatch(g.ctx, nil, "recruiters", "id", "contact_id", "donor_id", "lang", "granted_at")
		os := db.NewBatch(g.ctx, nil, "job_offers", "id", "donor_id", "title", "rome_code", "contract_type", "hours_per_week", "insee_code",
			"town", "positions", "starts_on", "experience", "experience_months", "description", "state", "created_at", "updated_at", "contract_months")
		es := db.NewBatch(g.ctx, nil, "job_offer_events", "id", "offer_id", "kind", "state", "recruiter_id", "at")
		for _, b := range []*db.Batch{cs, rs, os, es} {
			b.Hold()
			b.Emit(emit, pg)
		}
		for _, c := range companies {
			granted := year.Add(time.Duration(rng.IntN(90*24)) * time.Hour)
			contact, recruiter := next.contact, next.recruiter
			next.contact++
			next.recruiter++
			if err := cs.Add(contact, c.id, pick(genFirst)+" "+pick(genLast), "Recrutement", fmt.Sprintf("recruteur%d@generated.example", contact),
				"", db.FormatTime(granted)); err != nil {
				return err
			}
			if err := rs.Add(recruiter, contact, c.id, "fr", db.FormatTime(granted)); err != nil {
				return err
			}
			commune, _ := jobs.FindCommune(c.city)
			if commune == nil {
				commune = jobs.CommuneByINSEE("75056")
			}
			for range 1 + rng.IntN(4) {
				id := next.offer
				next.offer++
				offersN++
				rome := pick(genJobsROME)
				posted := granted.Add(time.Duration(rng.IntN(int(genEnd.Sub(granted).Hours()))) * time.Hour)
				state := jobs.Open
				switch k := rng.IntN(20); {
				case k < 2:
					state = jobs.Paused
				case k < 7:
					state = jobs.Filled
				case k < 10:
					state = jobs.Closed
				}
				experience, months := "beginner", 0
				if rng.IntN(3) == 0 {
					experience, months = pick([]string{"desired", "required"}), 6*(1+rng.IntN(4))
				}
				changed := posted
				if state != jobs.Open {
					changed = posted.Add(time.Duration(24*(7+rng.IntN(60))) * time.Hour)
				}
				contract, length := pick([]string{"CDI", "CDI", "CDD", "CDD", "MIS", "DDI", "TTI"}), 0
				if slices.Contains(jobs.FixedTerm, contract) {
					length = []int{3, 6, 12}[rng.IntN(3)]
				}
				if err := os.Add(id, c.id, pick(genJobsTitles[rome]), rome, contract,
					[]int{35, 35, 35, 24, 28, 39}[rng.IntN(6)], commune.INSEE, commune.Name, 1+rng.IntN(3),
					dateOf(posted.AddDate(0, 0, 14+rng.IntN(45))), experience, months, "", state, db.FormatTime(posted),
					db.FormatTime(changed), length); err != nil {
					return err
				}
				if err := es.Add(next.event, id, "created", jobs.Open, recruiter, db.FormatTime(posted)); err != nil {
					return err
				}
				next.event++
				if state != jobs.Open {
					if err := es.Add(next.event, id, "state", state, recruiter, db.FormatTime(changed)); err != nil {
						return err
					}
					next.event++
				}
			}
		}
		for _, b := range []*db.Batch{cs, rs, os, es} {
			if err := b.Flush(); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	fmt.Fprintf(g.o.Out, "\n  %d companies with a recruiter, %d offers\n%-42s ", len(companies), offersN, "")
	return nil
}
