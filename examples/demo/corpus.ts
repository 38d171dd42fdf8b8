/** The demo's corpus: a dozen short documents on distinct topics, and questions about three of them. */

/** A document of the corpus; `title` names its topic in the output. */
export interface CorpusDocument {
  title: string;
  text: string;
}

/** The documents, one topic each. */
export const DOCUMENTS: readonly CorpusDocument[] = [
  { title: 'Bread', text: 'Sourdough bread rises slowly because wild yeast ferments the dough overnight.' },
  { title: 'Tides', text: "The Moon's gravity pulls on the oceans and causes two tides every day." },
  {
    title: 'Plants',
    text: 'Photosynthesis lets green plants turn sunlight, water and carbon dioxide into sugar.',
  },
  { title: 'Marathon', text: 'A marathon is a long-distance running race of 42.195 kilometres.' },
  {
    title: 'Bees',
    text: 'Honey bees pollinate flowers and turn the nectar they collect into honey in the hive.',
  },
  { title: 'Volcanoes', text: 'Volcanoes erupt when molten rock, called magma, rises through the crust.' },
  { title: 'Espresso', text: 'Espresso is brewed by forcing hot water through finely ground coffee beans.' },
  { title: 'Violin', text: 'The violin is a string instrument played with a bow made of horsehair.' },
  { title: 'Chess', text: 'Chess players open the game by controlling the centre of the board with pawns.' },
  {
    title: 'Interest',
    text: 'Compound interest makes savings grow because the interest itself earns interest.',
  },
  { title: 'Vaccines', text: 'Vaccines train the immune system to recognise a virus before an infection.' },
  { title: 'Glaciers', text: 'Glaciers carve deep valleys as slow rivers of ice move down the mountains.' },
];

/** A question and the title of the document that answers it. */
export interface CorpusQuery {
  query: string;
  answer: string;
}

/** The questions the demo asks every model. */
export const QUERIES: readonly CorpusQuery[] = [
  { query: 'Why does sourdough bread rise overnight?', answer: 'Bread' },
  { query: 'What do honey bees do with nectar?', answer: 'Bees' },
  { query: 'How is espresso coffee brewed?', answer: 'Espresso' },
];
