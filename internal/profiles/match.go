package profiles

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"tremplin/internal/platform/auth"
	"tremplin/internal/platform/db"
	"tremplin/internal/positioning"
)

// Criteria are what a job asks of a person, as the jobs package gives them
// from an offer (or staff type them on the matching page). Every criterion is
// optional.
type Criteria struct {
	// ROME is the job's code in France Travail's referential: it adds the
	// competences the job needs (RomeSkills) to Skills.
	ROME string
	// Skills are the competences wanted, with the lowest Pix level (1–8) each.
	Skills map[string]int
	// Programme is a course the person must have followed (hours attended), 0
	// for any; MinHours the hours of it (of all courses when Programme is 0).
	Programme int64
	MinHours  int
	// Where the job is: a commune's INSEE code, or a postcode, or a
	// département; people of the same département fit (no distance is known
	// without coordinates), the same town first.
	INSEE, Postcode, Departement string
	// Availability the job needs (learners' codes: mornings, afternoons,
	// evenings, saturday): people free at one of them at least fit.
	Availability []string
	// HoursPerWeek of the job: 24 or more wants mornings and afternoons,
	// which counts in the score.
	HoursPerWeek int
	// Start is when the job starts: people available by then fit.
	Start time.Time
}

// RomeSkills are the Pix competences and lowest levels a few ROME codes of
// the jobs people train for need; the association's advisers chose them.
var RomeSkills = map[string]map[string]int{
	"M1805": {"3.4": 4, "3.1": 3, "5.2": 3}, // études et développement informatique (web developer)
	"M1810": {"5.1": 4, "5.2": 4, "4.1": 3}, // production et exploitation de systèmes d'information
	"I1401": {"5.1": 4, "5.2": 3},           // maintenance informatique et bureautique
	"M1801": {"5.2": 4, "4.1": 4, "5.1": 4}, // administration de systèmes d'information
	"M1607": {"3.1": 3, "2.1": 3, "1.2": 2}, // secrétariat
	"D1408": {"2.1": 3, "1.1": 3},           // téléconseil et télévente
	"E1205": {"3.2": 4, "3.1": 3},           // réalisation de contenus multimédias
}

// wanted is the skills asked: Skills with the ROME code's, the higher level
// of the two for a competence in both.
func (c Criteria) wanted() map[string]int {
	out := map[string]int{}
	for k, v := range RomeSkills[strings.ToUpper(strings.TrimSpace(c.ROME))] {
		out[k] = v
	}
	for k, v := range c.Skills {
		if positioning.ValidCompetence(k) && v > out[k] {
			out[k] = min(v, 8)
		}
	}
	return out
}

// departement is where the job is.
func (c Criteria) departement() string {
	switch {
	case c.INSEE != "":
		return DepartementOfINSEE(c.INSEE)
	case c.Postcode != "":
		return Departement(c.Postcode)
	}
	return strings.ToUpper(c.Departement)
}

// Candidate is a consenting learner who fits, with their score (0–100) and
// why.
type Candidate struct {
	LearnerID   int64
	FirstName   string
	LastInitial string
	Town        string
	Score       int
	Reasons     []Reason
}

// Reason is one thing that counted for a candidate: a catalog key and its
// arguments.
type Reason struct {
	Key  string
	Args []any
}

// The score's parts, out of 100.
const (
	skillPoints     = 40
	coursePoints    = 25
	certifiedPoints = 10
	placePoints     = 20
	availPoints     = 5
)

// Match lists the consenting learners in scope who fit c, best first, limit
// at a time from offset (one more is read to tell whether there are more).
// Companies are national: the jobs package passes auth.Scope{All: true}.
func Match(ctx context.Context, q db.Execer, sc auth.Scope, c Criteria, limit, offset int) ([]Candidate, bool, error) {
	return match(ctx, q, sc, c, 0, limit, offset)
}

// match is Match, for one learner only when learnerID is not 0.
func match(ctx context.Context, q db.Execer, sc auth.Scope, c Criteria, learnerID int64, limit, offset int) ([]Candidate, bool, error) {
	args := db.Args{}
	where := []string{"p.shown"}
	if learnerID != 0 {
		where = append(where, "p.learner_id = "+args.Add(learnerID))
	}
	if dep := c.departement(); dep != "" {
		where = append(where, "p.departement = "+args.Add(dep))
	}
	where = append(where, sc.Where("p.antenna_id", &args))
	want := c.wanted()
	comps := make([]string, 0, len(want))
	for k := range want {
		comps = append(comps, k)
	}
	slices.Sort(comps)
	// Each wanted competence at its level at least, read in the row.
	for _, k := range comps {
		where = append(where, "p."+SkillColumn(k)+" >= "+args.Add(want[k]))
	}
	hoursExpr := "p.hours_total"
	if c.Programme != 0 {
		hoursExpr = "COALESCE((SELECT rc.hours FROM recruiter_profile_courses rc WHERE rc.learner_id = p.learner_id AND rc.programme_id = " +
			args.Add(c.Programme) + "), 0)"
		where = append(where, hoursExpr+" > 0")
	}
	if c.MinHours > 0 {
		where = append(where, hoursExpr+" >= "+args.Add(c.MinHours))
	}
	if !c.Start.IsZero() {
		where = append(where, "p.available_from <= "+args.Add(c.Start.Format(time.DateOnly)))
	}
	var avail []string
	for _, a := range c.Availability {
		if a != "" && strings.Trim(a, "abcdefghijklmnopqrstuvwxyz_") == "" {
			avail = append(avail, "(',' || p.availabilities || ',') LIKE "+args.Add("%,"+a+",%"))
		}
	}
	if len(avail) > 0 {
		where = append(where, "("+strings.Join(avail, " OR ")+")")
	}
	// The score, in SQL so that the best come first from the database: skills
	// above what is wanted, hours (of the course, or all up to 600), a
	// certificate, the same town, and a full-time availability.
	skill := "p.skill_sum * " + strconv.Itoa(skillPoints) + " / 128"
	if len(comps) > 0 {
		var sum []string
		for _, k := range comps {
			sum = append(sum, "p."+SkillColumn(k))
		}
		skill = "(" + strings.Join(sum, " + ") + ") * " + strconv.Itoa(skillPoints) + " / " + strconv.Itoa(8*len(comps))
	}
	course := "CASE WHEN " + hoursExpr + " >= 600 THEN " + strconv.Itoa(coursePoints) + " ELSE " + hoursExpr + " * " +
		strconv.Itoa(coursePoints) + " / 600 END"
	// The same town counts when the job's postcode is known (profiles keep a
	// postcode, not a commune's INSEE code).
	place := "0"
	if c.Postcode != "" {
		place = "CASE WHEN p.postcode = " + args.Add(c.Postcode) + " THEN " + strconv.Itoa(placePoints) + " ELSE 0 END"
	}
	full := "0"
	if c.HoursPerWeek >= 24 {
		full = "CASE WHEN (',' || p.availabilities || ',') LIKE '%,mornings,%' AND (',' || p.availabilities || ',') LIKE '%,afternoons,%' THEN " +
			strconv.Itoa(availPoints) + " ELSE 0 END"
	}
	score := "(" + skill + ") + (" + course + ") + CASE WHEN p.certified THEN " + strconv.Itoa(certifiedPoints) + " ELSE 0 END + (" +
		place + ") + (" + full + ")"
	query := "SELECT p.learner_id, p.first_name, p.last_initial, CASE WHEN p.show_town THEN p.town ELSE '' END, " + score + " AS score, " +
		hoursExpr + ", p.certified, p.postcode, p.availabilities FROM recruiter_profiles p WHERE " + strings.Join(where, " AND ") +
		" ORDER BY score DESC, p.learner_id LIMIT " + args.Add(limit+1) + " OFFSET " + args.Add(offset)
	out, err := db.Collect[Candidate](q.QueryContext(ctx, query, args...))(func(s db.Scanner) (Candidate, error) {
		var k Candidate
		var hours int
		var cert bool
		var post, av string
		err := s.Scan(&k.LearnerID, &k.FirstName, &k.LastInitial, &k.Town, &k.Score, &hours, &cert, &post, &av)
		for _, comp := range comps {
			k.Reasons = append(k.Reasons, Reason{"profiles.reason.skill", []any{"competence", positioning.CompetenceKey(comp), "level", want[comp]}})
		}
		if hours > 0 {
			k.Reasons = append(k.Reasons, Reason{"profiles.reason.hours", []any{"hours", hours}})
		}
		if cert {
			k.Reasons = append(k.Reasons, Reason{"profiles.reason.certified", nil})
		}
		if c.Postcode != "" && post == c.Postcode {
			k.Reasons = append(k.Reasons, Reason{"profiles.reason.same_town", nil})
		} else if c.departement() != "" {
			k.Reasons = append(k.Reasons, Reason{"profiles.reason.same_departement", []any{"departement", c.departement()}})
		}
		for _, a := range c.Availability {
			if slices.Contains(split(av), a) {
				k.Reasons = append(k.Reasons, Reason{"profiles.reason.available", []any{"when", "learner.availability." + a}})
			}
		}
		return k, err
	})
	if err != nil {
		return nil, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// Offer is an offer as matching sees it, which the jobs package hands over:
// its id and its criteria.
type Offer struct {
	ID       int64
	Criteria Criteria
}

// Fits reports whether learnerID (with a profile shown) fits c, and their
// score: the same rules as Match.
func Fits(ctx context.Context, q db.Execer, learnerID int64, c Criteria) (bool, int, error) {
	list, _, err := match(ctx, q, auth.Scope{All: true}, c, learnerID, 1, 0)
	if err != nil || len(list) == 0 {
		return false, 0, err
	}
	return true, list[0].Score, nil
}

// FittingOffers keeps the offers that learnerID fits, best score first: the
// jobs package passes its open offers' criteria.
func FittingOffers(ctx context.Context, q db.Execer, learnerID int64, offers []Offer) ([]ScoredOffer, error) {
	var out []ScoredOffer
	for _, o := range offers {
		ok, score, err := Fits(ctx, q, learnerID, o.Criteria)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, ScoredOffer{Offer: o, Score: score})
		}
	}
	slices.SortStableFunc(out, func(a, b ScoredOffer) int { return b.Score - a.Score })
	return out, nil
}

// ScoredOffer is an offer a learner fits, with their score for it.
type ScoredOffer struct {
	Offer
	Score int
}
