package survey

// StandardContent answers the integration rose's standard questionnaire
// (Trysil's five axes: attitudes, language and education, work, housing,
// leisure), written in lang and carrying the interface's four languages:
// two statements to agree with per axis on a five-point scale and a free
// question, for a municipality to adapt and translate.
func StandardContent(lang string) Content {
	c := Content{Languages: []string{lang}, GoodFrom: 4, LowBelow: 3, Texts: map[string]Texts{}, Scale: map[string][]string{}}
	for _, l := range interfaceLanguages {
		if l != lang {
			c.Languages = append(c.Languages, l)
		}
	}
	if _, ok := LanguageOf(lang); !ok {
		c.Languages = append([]string(nil), interfaceLanguages...)
	}
	axis := func(key string, names Texts) { c.Axes = append(c.Axes, Axis{Key: key, Names: names}) }
	q := func(key, ax, kind string, t Texts) {
		c.Questions = append(c.Questions, Question{Key: key, Axis: ax, Kind: kind, Texts: t})
	}
	axis("attitudes", Texts{"nb": "Holdninger", "sv": "Attityder", "da": "Holdninger", "en": "Attitudes"})
	axis("language", Texts{"nb": "Språk og utdanning", "sv": "Språk och utbildning", "da": "Sprog og uddannelse", "en": "Language and education"})
	axis("work", Texts{"nb": "Arbeid", "sv": "Arbete", "da": "Arbejde", "en": "Work"})
	axis("housing", Texts{"nb": "Bolig", "sv": "Bostad", "da": "Bolig", "en": "Housing"})
	axis("leisure", Texts{"nb": "Fritidsaktiviteter", "sv": "Fritidsaktiviteter", "da": "Fritidsaktiviteter", "en": "Leisure activities"})
	q("welcome", "attitudes", KindScale, Texts{"nb": "Jeg føler meg velkommen der jeg bor.", "sv": "Jag känner mig välkommen där jag bor.",
		"da": "Jeg føler mig velkommen, der hvor jeg bor.", "en": "I feel welcome where I live."})
	q("respect", "attitudes", KindScale, Texts{"nb": "Folk jeg møter, behandler meg med respekt.", "sv": "Människor jag möter behandlar mig med respekt.",
		"da": "De mennesker, jeg møder, behandler mig med respekt.", "en": "The people I meet treat me with respect."})
	q("speak", "language", KindScale, Texts{"nb": "Jeg klarer meg på norsk i hverdagen.", "sv": "Jag klarar mig på svenska i vardagen.",
		"da": "Jeg klarer mig på dansk i hverdagen.", "en": "I manage in the local language in everyday life."})
	q("school", "language", KindScale, Texts{"nb": "Jeg får den opplæringen eller utdanningen jeg trenger.", "sv": "Jag får den undervisning eller utbildning jag behöver.",
		"da": "Jeg får den undervisning eller uddannelse, jeg har brug for.", "en": "I get the teaching or education I need."})
	q("job", "work", KindScale, Texts{"nb": "Jeg har arbeid, eller jeg er på vei mot arbeid.", "sv": "Jag har arbete, eller är på väg mot arbete.",
		"da": "Jeg har arbejde, eller jeg er på vej mod arbejde.", "en": "I have work, or I am on my way to work."})
	q("skills", "work", KindScale, Texts{"nb": "Jeg får brukt det jeg kan.", "sv": "Jag får använda det jag kan.",
		"da": "Jeg får brugt det, jeg kan.", "en": "I get to use what I know."})
	q("home", "housing", KindScale, Texts{"nb": "Jeg er fornøyd med boligen min.", "sv": "Jag är nöjd med min bostad.",
		"da": "Jeg er tilfreds med min bolig.", "en": "I am satisfied with my home."})
	q("neighbourhood", "housing", KindScale, Texts{"nb": "Jeg trives i nabolaget.", "sv": "Jag trivs i mitt grannskap.",
		"da": "Jeg trives i mit nabolag.", "en": "I like my neighbourhood."})
	q("activities", "leisure", KindScale, Texts{"nb": "Jeg deltar i fritidsaktiviteter jeg liker.", "sv": "Jag deltar i fritidsaktiviteter jag tycker om.",
		"da": "Jeg deltager i fritidsaktiviteter, jeg kan lide.", "en": "I take part in leisure activities I enjoy."})
	q("friends", "leisure", KindScale, Texts{"nb": "Jeg har venner der jeg bor.", "sv": "Jag har vänner där jag bor.",
		"da": "Jeg har venner, der hvor jeg bor.", "en": "I have friends where I live."})
	q("wish", "attitudes", KindText, Texts{"nb": "Hva er det viktigste kommunen kan gjøre for at du skal trives bedre?",
		"sv": "Vad är det viktigaste kommunen kan göra för att du ska trivas bättre?",
		"da": "Hvad er det vigtigste, kommunen kan gøre, for at du trives bedre?",
		"en": "What is the most important thing the municipality can do for you to feel more at home?"})
	c.Scale["nb"] = []string{"Helt uenig", "Litt uenig", "Verken enig eller uenig", "Litt enig", "Helt enig"}
	c.Scale["sv"] = []string{"Instämmer inte alls", "Instämmer delvis inte", "Varken eller", "Instämmer delvis", "Instämmer helt"}
	c.Scale["da"] = []string{"Helt uenig", "Delvis uenig", "Hverken enig eller uenig", "Delvis enig", "Helt enig"}
	c.Scale["en"] = []string{"Strongly disagree", "Disagree", "Neither agree nor disagree", "Agree", "Strongly agree"}
	return c
}
