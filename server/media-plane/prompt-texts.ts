// What each voice prompt says, in each global language.
import type { Language } from '../../data/schema.ts';
import type { PromptName } from '../calls/ports.ts';

export const PROMPT_TEXTS: Record<PromptName, Record<Language, string>> = {
  'not-in-service': {
    en: 'The number you have dialled is not in service.',
    fr: "Le numéro que vous avez composé n'est pas attribué.",
    es: 'El número que ha marcado no está en servicio.',
    de: 'Die gewählte Rufnummer ist nicht vergeben.',
  },
  busy: {
    en: 'The person you are calling is busy. Please try again later.',
    fr: 'Votre correspondant est déjà en ligne. Merci de rappeler plus tard.',
    es: 'La persona a la que llama está ocupada. Por favor, inténtelo más tarde.',
    de: 'Der gewünschte Gesprächspartner ist besetzt. Bitte versuchen Sie es später noch einmal.',
  },
  'not-available': {
    en: 'The person you are calling is not available.',
    fr: "Votre correspondant n'est pas disponible.",
    es: 'La persona a la que llama no está disponible.',
    de: 'Der gewünschte Gesprächspartner ist nicht erreichbar.',
  },
  'not-available-yet': {
    en: 'This service is not available yet. Goodbye.',
    fr: "Ce service n'est pas encore disponible. Au revoir.",
    es: 'Este servicio todavía no está disponible. Adiós.',
    de: 'Dieser Dienst ist noch nicht verfügbar. Auf Wiederhören.',
  },
  goodbye: {
    en: 'Goodbye.',
    fr: 'Au revoir.',
    es: 'Adiós.',
    de: 'Auf Wiederhören.',
  },
};
