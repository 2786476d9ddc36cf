package indicator

// scaleDef is one generated national indicator of the scale data set
// (code scale.*) with what its values are made from.
type scaleDef struct {
	code, topic    string
	names          [4]string // nb, sv, da, en
	unit, agg, dir string
	official       bool   // official statistics (public; SSB, SCB, DST by country unless source); else the municipality's own registration
	source         string // an official indicator's one source
	// mean is, for a count, the mean per 1000 inhabitants (a month's flow
	// or the stock at the month's end); for a rate, its denominator's;
	// for an amount, kroner per inhabitant and month.
	mean float64
	// p is a rate's share of the denominator in the numerator (per
	// month for a rate per 1000).
	p        float64
	num, den [4]string
	cats     []scaleCat // a breakdown's categories
	rules    []Rule
}

// scaleCat is a breakdown's category with its share of the total.
type scaleCat struct {
	key   string
	names [4]string
	share float64
}

func scaleTexts(t [4]string) Texts {
	if t[3] == "" {
		return Texts{}
	}
	return Texts{"nb": t[0], "sv": t[1], "da": t[2], "en": t[3]}
}

// scaleDefs are the generated indicators, the breakdown early so that a
// catalogue with monthly indicators of its own still keeps it.
var scaleDefs = []scaleDef{
	{code: "scale.settled", topic: "settlement", unit: UnitCount, agg: AggSum, dir: NoDirection, official: true, mean: 0.25,
		names: [4]string{"Bosatte flyktninger", "Mottagna nyanlända", "Boligplacerede flygtninge", "Refugees settled"}},
	{code: "scale.intro_outcome", topic: "introduction", unit: UnitCount, agg: AggSum, dir: HigherIsBetter, mean: 0.12,
		names: [4]string{"Avsluttet introduksjonsprogram, etter overgang", "Avslutat etableringsprogram, efter övergång", "Afsluttet integrationsprogram, efter overgang", "Finished the introduction programme, by transition"},
		cats: []scaleCat{
			{"work", [4]string{"Arbeid", "Arbete", "Arbejde", "Work"}, 0.38},
			{"education", [4]string{"Utdanning", "Utbildning", "Uddannelse", "Education"}, 0.22},
			{"jobseeker", [4]string{"Arbeidssøker", "Arbetssökande", "Jobsøgende", "Job seeker"}, 0.25},
			{"other", [4]string{"Annet", "Annat", "Andet", "Other"}, 0.15},
		},
		rules: []Rule{{Key: "work_education", Categories: []string{"work", "education"},
			Names: Texts{"nb": "I arbeid eller utdanning", "sv": "I arbete eller utbildning", "da": "I arbejde eller uddannelse", "en": "In work or education"}}}},
	{code: "scale.intro_participants", topic: "introduction", unit: UnitCount, agg: AggLast, dir: NoDirection, mean: 2.8,
		names: [4]string{"Deltakere i introduksjonsprogrammet ved månedens slutt", "Deltagare i etableringsprogrammet vid månadens slut", "Deltagere i integrationsprogrammet ved månedens udgang", "Introduction programme participants at the end of the month"}},
	{code: "scale.intro_absence", topic: "introduction", unit: UnitPercent, agg: AggSum, dir: LowerIsBetter, mean: 90, p: 0.12,
		names: [4]string{"Fravær i introduksjonsprogrammet", "Frånvaro i etableringsprogrammet", "Fravær i integrationsprogrammet", "Absence from the introduction programme"},
		num:   [4]string{"Timer fravær", "Timmar frånvaro", "Timers fravær", "Hours absent"},
		den:   [4]string{"Planlagte timer", "Planerade timmar", "Planlagte timer", "Hours planned"}},
	{code: "scale.settled_children", topic: "settlement", unit: UnitCount, agg: AggSum, dir: NoDirection, official: true, mean: 0.08,
		names: [4]string{"Bosatte barn under 18 år", "Mottagna barn under 18 år", "Boligplacerede børn under 18 år", "Children under 18 settled"}},
	{code: "scale.settled_family", topic: "settlement", unit: UnitCount, agg: AggSum, dir: NoDirection, official: true, mean: 0.06,
		names: [4]string{"Familiegjenforente", "Anhöriginvandrade", "Familiesammenførte", "Reunited family members"}},
	{code: "scale.settled_unaccompanied", topic: "settlement", unit: UnitCount, agg: AggSum, dir: NoDirection, official: true, mean: 0.015,
		names: [4]string{"Bosatte enslige mindreårige", "Mottagna ensamkommande barn", "Boligplacerede uledsagede mindreårige", "Unaccompanied minors settled"}},
	{code: "scale.settled_in_time", topic: "settlement", unit: UnitPercent, agg: AggSum, dir: HigherIsBetter, official: true, mean: 0.25, p: 0.7,
		names: [4]string{"Bosatt innen seks måneder etter vedtak", "Mottagna inom sex månader efter beslut", "Boligplaceret inden seks måneder efter afgørelse", "Settled within six months of the decision"},
		num:   [4]string{"Bosatt innen seks måneder", "Mottagna inom sex månader", "Boligplaceret inden seks måneder", "Settled within six months"},
		den:   [4]string{"Bosatte", "Mottagna", "Boligplacerede", "Settled"}},
	{code: "scale.housing_temporary", topic: "housing", unit: UnitCount, agg: AggLast, dir: LowerIsBetter, mean: 0.15,
		names: [4]string{"Husstander i midlertidig bolig", "Hushåll i tillfälligt boende", "Husstande i midlertidig bolig", "Households in temporary housing"}},
	{code: "scale.housing_municipal", topic: "housing", unit: UnitCount, agg: AggLast, dir: NoDirection, mean: 1.6,
		names: [4]string{"Flyktninger i kommunal bolig", "Nyanlända i kommunal bostad", "Flygtninge i kommunal bolig", "Refugees in municipal housing"}},
	{code: "scale.intro_started", topic: "introduction", unit: UnitCount, agg: AggSum, dir: NoDirection, mean: 0.14,
		names: [4]string{"Startet i introduksjonsprogrammet", "Påbörjat etableringsprogrammet", "Startet i integrationsprogrammet", "Started the introduction programme"}},
	{code: "scale.intro_finished", topic: "introduction", unit: UnitCount, agg: AggSum, dir: NoDirection, mean: 0.12,
		names: [4]string{"Avsluttet introduksjonsprogrammet", "Avslutat etableringsprogrammet", "Afsluttet integrationsprogrammet", "Finished the introduction programme"}},
	{code: "scale.intro_full_time", topic: "introduction", unit: UnitPercent, agg: AggLast, dir: HigherIsBetter, mean: 2.8, p: 0.82,
		names: [4]string{"Deltakere med fulltidsprogram", "Deltagare med heltidsprogram", "Deltagere med fuldtidsprogram", "Participants with a full-time programme"},
		num:   [4]string{"Deltakere med fulltidsprogram", "Deltagare med heltidsprogram", "Deltagere med fuldtidsprogram", "Participants full time"},
		den:   [4]string{"Deltakere", "Deltagare", "Deltagere", "Participants"}},
	{code: "scale.intro_extended", topic: "introduction", unit: UnitCount, agg: AggLast, dir: NoDirection, mean: 0.4,
		names: [4]string{"Deltakere med forlenget program", "Deltagare med förlängt program", "Deltagere med forlænget program", "Participants with an extended programme"}},
	{code: "scale.intro_benefit", topic: "introduction", unit: UnitAmount, agg: AggSum, dir: NoDirection, mean: 42,
		names: [4]string{"Introduksjonsstønad utbetalt (kr)", "Etableringsersättning utbetald (kr)", "Integrationsydelse udbetalt (kr.)", "Introduction benefit paid (kroner)"}},
	{code: "scale.lang_participants", topic: "language", unit: UnitCount, agg: AggLast, dir: NoDirection, mean: 3.5,
		names: [4]string{"Deltakere i opplæring i norsk", "Deltagare i sfi", "Kursister på danskuddannelse", "Participants in language training"}},
	{code: "scale.lang_tests", topic: "language", unit: UnitCount, agg: AggSum, dir: NoDirection, mean: 0.2,
		names: [4]string{"Avlagte språkprøver", "Genomförda nationella prov", "Aflagte danskprøver", "Language tests taken"}},
	{code: "scale.lang_passed_b1", topic: "language", unit: UnitPercent, agg: AggSum, dir: HigherIsBetter, official: true, mean: 0.2, p: 0.55,
		names: [4]string{"Bestått muntlig prøve på B1-nivå", "Godkänt muntligt prov på B1-nivå", "Bestået mundtlig prøve på B1-niveau", "Passed the oral test at B1"},
		num:   [4]string{"Bestått B1", "Godkänt B1", "Bestået B1", "Passed B1"},
		den:   [4]string{"Avlagte prøver", "Genomförda prov", "Aflagte prøver", "Tests taken"}},
	{code: "scale.lang_passed_a2", topic: "language", unit: UnitPercent, agg: AggSum, dir: HigherIsBetter, official: true, mean: 0.2, p: 0.78,
		names: [4]string{"Bestått muntlig prøve på A2-nivå", "Godkänt muntligt prov på A2-nivå", "Bestået mundtlig prøve på A2-niveau", "Passed the oral test at A2"},
		num:   [4]string{"Bestått A2", "Godkänt A2", "Bestået A2", "Passed A2"},
		den:   [4]string{"Avlagte prøver", "Genomförda prov", "Aflagte prøver", "Tests taken"}},
	{code: "scale.lang_waiting", topic: "language", unit: UnitCount, agg: AggLast, dir: LowerIsBetter, mean: 0.3,
		names: [4]string{"Venter på plass i opplæringen", "Väntar på plats i sfi", "Venter på plads på danskuddannelse", "Waiting for a place in language training"}},
	{code: "scale.work_practice", topic: "work", unit: UnitCount, agg: AggLast, dir: HigherIsBetter, mean: 0.6,
		names: [4]string{"Deltakere i språkpraksis", "Deltagare i språkpraktik", "Deltagere i virksomhedspraktik", "Participants in language work placements"}},
	{code: "scale.work_wage_subsidy", topic: "work", unit: UnitCount, agg: AggLast, dir: HigherIsBetter, mean: 0.35,
		names: [4]string{"Deltakere med lønnstilskudd", "Deltagare med lönebidrag", "Deltagere i løntilskud", "Participants with a wage subsidy"}},
	{code: "scale.work_employed", topic: "work", unit: UnitPercent, agg: AggLast, dir: HigherIsBetter, official: true, mean: 9, p: 0.52,
		names: [4]string{"Sysselsatte blant flyktninger bosatt siste fem år", "Förvärvsarbetande bland nyanlända senaste fem åren", "Beskæftigede blandt flygtninge boligplaceret de seneste fem år", "Employed among refugees settled in the last five years"},
		num:   [4]string{"Sysselsatte", "Förvärvsarbetande", "Beskæftigede", "Employed"},
		den:   [4]string{"Bosatt siste fem år", "Mottagna senaste fem åren", "Boligplaceret de seneste fem år", "Settled in the last five years"}},
	{code: "scale.work_jobs_started", topic: "work", unit: UnitCount, agg: AggSum, dir: HigherIsBetter, mean: 0.09,
		names: [4]string{"Overgang til ordinært arbeid", "Övergång till reguljärt arbete", "Overgang til ordinært arbejde", "Moved into ordinary work"}},
	{code: "scale.work_social_assistance", topic: "work", unit: UnitCount, agg: AggLast, dir: LowerIsBetter, mean: 1.1,
		names: [4]string{"Flyktninger som mottar sosialhjelp", "Nyanlända med försörjningsstöd", "Flygtninge på kontanthjælp", "Refugees receiving social assistance"}},
	{code: "scale.work_assistance_amount", topic: "work", unit: UnitAmount, agg: AggSum, dir: LowerIsBetter, mean: 11,
		names: [4]string{"Sosialhjelp utbetalt til flyktninger (kr)", "Försörjningsstöd till nyanlända (kr)", "Kontanthjælp udbetalt til flygtninge (kr.)", "Social assistance paid to refugees (kroner)"}},
	{code: "scale.edu_upper_secondary", topic: "education", unit: UnitCount, agg: AggLast, dir: HigherIsBetter, mean: 0.7,
		names: [4]string{"Elever i videregående opplæring", "Elever i gymnasieskolan", "Elever på ungdomsuddannelse", "Students in upper secondary education"}},
	{code: "scale.edu_adult_primary", topic: "education", unit: UnitCount, agg: AggLast, dir: NoDirection, mean: 0.5,
		names: [4]string{"Deltakere i grunnskole for voksne", "Deltagare i grundläggande vuxenutbildning", "Deltagere i grunduddannelse for voksne", "Participants in adult primary education"}},
	{code: "scale.edu_completed", topic: "education", unit: UnitPercent, agg: AggSum, dir: HigherIsBetter, mean: 0.1, p: 0.64,
		names: [4]string{"Fullført grunnskole for voksne", "Slutfört grundläggande vuxenutbildning", "Gennemført grunduddannelse for voksne", "Completed adult primary education"},
		num:   [4]string{"Fullført", "Slutfört", "Gennemført", "Completed"},
		den:   [4]string{"Avsluttet", "Avslutat", "Afsluttet", "Finished"}},
	{code: "scale.edu_recognition", topic: "education", unit: UnitCount, agg: AggSum, dir: NoDirection, mean: 0.03,
		names: [4]string{"Søknader om godkjenning av utdanning", "Ansökningar om bedömning av utbildning", "Ansøgninger om vurdering af uddannelse", "Applications for recognition of qualifications"}},
	{code: "scale.children_kindergarten", topic: "children", unit: UnitPercent, agg: AggLast, dir: HigherIsBetter, official: true, mean: 0.6, p: 0.74,
		names: [4]string{"Barn 1–5 år i barnehage", "Barn 1–5 år i förskola", "Børn 1–5 år i dagtilbud", "Children aged 1–5 in kindergarten"},
		num:   [4]string{"Barn i barnehage", "Barn i förskola", "Børn i dagtilbud", "Children in kindergarten"},
		den:   [4]string{"Barn 1–5 år", "Barn 1–5 år", "Børn 1–5 år", "Children aged 1–5"}},
	{code: "scale.children_intro_class", topic: "children", unit: UnitCount, agg: AggLast, dir: NoDirection, mean: 0.5,
		names: [4]string{"Elever i innføringsklasse", "Elever i förberedelseklass", "Elever i modtagelsesklasse", "Pupils in introductory classes"}},
	{code: "scale.health_screening", topic: "health", unit: UnitPercent, agg: AggSum, dir: HigherIsBetter, mean: 0.25, p: 0.81,
		names: [4]string{"Helseundersøkelse innen tre måneder", "Hälsoundersökning inom tre månader", "Helbredsundersøgelse inden tre måneder", "Health examination within three months"},
		num:   [4]string{"Undersøkt innen tre måneder", "Undersökta inom tre månader", "Undersøgt inden tre måneder", "Examined within three months"},
		den:   [4]string{"Bosatte", "Mottagna", "Boligplacerede", "Settled"}},
	{code: "scale.health_tb", topic: "health", unit: UnitCount, agg: AggSum, dir: NoDirection, mean: 0.2,
		names: [4]string{"Tuberkulosekontroller", "Tuberkuloskontroller", "Tuberkuloseundersøgelser", "Tuberculosis checks"}},
	{code: "scale.health_interpreter", topic: "health", unit: UnitCount, agg: AggSum, dir: NoDirection, mean: 1.4,
		names: [4]string{"Tolkeoppdrag i helsetjenesten", "Tolkuppdrag i hälso- och sjukvården", "Tolkeopgaver i sundhedsvæsenet", "Interpreting assignments in health services"}},
	{code: "scale.health_mental", topic: "health", unit: UnitCount, agg: AggSum, dir: NoDirection, mean: 0.05,
		names: [4]string{"Henvist til psykisk helsehjelp", "Remitterade till psykiatrisk vård", "Henvist til psykiatrisk behandling", "Referred to mental health care"}},
	{code: "scale.incl_volunteer", topic: "inclusion", unit: UnitCount, agg: AggSum, dir: HigherIsBetter, mean: 0.8,
		names: [4]string{"Deltakere i frivillige aktiviteter", "Deltagare i ideella aktiviteter", "Deltagere i frivillige aktiviteter", "Participants in volunteer activities"}},
	{code: "scale.incl_mentor", topic: "inclusion", unit: UnitCount, agg: AggLast, dir: HigherIsBetter, mean: 0.3,
		names: [4]string{"Flyktninger med flyktningguide", "Nyanlända med språkvän", "Flygtninge med en frivillig mentor", "Refugees with a volunteer guide"}},
	{code: "scale.incl_moved_out", topic: "inclusion", unit: UnitRate, agg: AggSum, dir: LowerIsBetter, official: true, mean: 9, p: 0.004,
		names: [4]string{"Utflytting per 1000 bosatte flyktninger", "Utflyttning per 1000 mottagna", "Fraflytning pr. 1000 boligplacerede flygtninge", "Moved away per 1000 refugees settled"},
		num:   [4]string{"Flyttet ut", "Utflyttade", "Fraflyttede", "Moved away"},
		den:   [4]string{"Bosatt siste fem år", "Mottagna senaste fem åren", "Boligplaceret de seneste fem år", "Settled in the last five years"}},
	{code: "scale.incl_citizenship", topic: "inclusion", unit: UnitCount, agg: AggSum, dir: NoDirection, official: true, mean: 0.1,
		names: [4]string{"Nye statsborgere", "Nya medborgare", "Nye statsborgere", "New citizens"}},
}
