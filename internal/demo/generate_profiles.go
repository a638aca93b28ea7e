package demo

import (
	"strconv"

	"tremplin/internal/platform/db"
	"tremplin/internal/profiles"
)

// genProfileShare is the percent of the generated people who took a
// positioning test and agreed to show a profile to recruiters; one in twenty
// of them withdrew it later.
const genProfileShare = 7

// profilesStep gives a share of the people who were positioned a profile for
// recruiters with their consent (recorded in person on their registration
// day, on the text in force), the competence scores of their latest test, and
// the summary matching reads (profiles.RebuildAll).
func (g *generator) profilesStep() error {
	now := db.Now()
	steps := []string{
		`INSERT INTO recruiter_profiles (learner_id, antenna_id, shown, cv, updated_at)
			SELECT id, antenna_id, TRUE, CASE WHEN id % 3 = 0 THEN 'generated' ELSE '' END, '` + now + `' FROM learners l
			WHERE (id * 7919) % 100 < ` + strconv.Itoa(genProfileShare) + ` AND EXISTS (SELECT 1 FROM positioning_tests t WHERE t.learner_id = l.id)`,
		`INSERT INTO profile_consents (learner_id, level, action, text_version, how, at)
			SELECT p.learner_id, 'profile', 'given', '2026_01', 'in_person', l.created_at FROM recruiter_profiles p JOIN learners l ON l.id = p.learner_id`,
		`INSERT INTO profile_consents (learner_id, level, action, text_version, how, at)
			SELECT p.learner_id, 'profile', 'withdrawn', '2026_01', 'phone', l.updated_at FROM recruiter_profiles p JOIN learners l ON l.id = p.learner_id
			WHERE p.learner_id % 20 = 0`,
		`UPDATE recruiter_profiles SET shown = FALSE WHERE learner_id % 20 = 0`,
		// Scores per competence around the test's overall percent.
		`WITH c(code, n) AS (VALUES ('1.1', 1), ('1.2', 2), ('1.3', 3), ('2.1', 4), ('2.2', 5), ('2.3', 6), ('2.4', 7), ('3.1', 8),
			('3.2', 9), ('3.3', 10), ('3.4', 11), ('4.1', 12), ('4.2', 13), ('4.3', 14), ('5.1', 15), ('5.2', 16))
		INSERT INTO positioning_test_scores (test_id, competence, percent)
			SELECT t.id, c.code, CASE WHEN t.percent + (t.id * 7 + c.n * 37) % 41 - 20 < 0 THEN 0
				WHEN t.percent + (t.id * 7 + c.n * 37) % 41 - 20 > 100 THEN 100 ELSE t.percent + (t.id * 7 + c.n * 37) % 41 - 20 END
			FROM positioning_tests t JOIN recruiter_profiles p ON p.learner_id = t.learner_id CROSS JOIN c
			WHERE NOT EXISTS (SELECT 1 FROM positioning_test_scores s WHERE s.test_id = t.id)`,
	}
	for _, q := range steps {
		if _, err := g.d.Exec(g.ctx, q); err != nil {
			return err
		}
	}
	return profiles.RebuildAll(g.ctx, g.d)
}
