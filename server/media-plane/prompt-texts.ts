// What each voice prompt says, in each global language.
import type { Language } from '../../data/schema.ts';
import type { PromptName, SpokenValue } from '../calls/ports.ts';

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
  'voicemail-greeting': {
    en: 'The person you are calling is not available. Please leave a message after the tone. Press the pound key when you have finished.',
    fr: "Votre correspondant n'est pas disponible. Laissez-lui un message après le bip sonore. Appuyez sur la touche dièse lorsque vous avez terminé.",
    es: 'La persona a la que llama no está disponible. Deje su mensaje después de la señal. Pulse la tecla almohadilla cuando haya terminado.',
    de: 'Der gewünschte Gesprächspartner ist nicht erreichbar. Bitte hinterlassen Sie eine Nachricht nach dem Signalton. Drücken Sie die Rautetaste, wenn Sie fertig sind.',
  },
  'mailbox-full': {
    en: 'This voicemail box is full and cannot take any more messages. Goodbye.',
    fr: 'Cette messagerie est pleine et ne peut plus recevoir de messages. Au revoir.',
    es: 'Este buzón de voz está lleno y no admite más mensajes. Adiós.',
    de: 'Diese Mailbox ist voll und kann keine weiteren Nachrichten aufnehmen. Auf Wiederhören.',
  },
  'message-too-long': {
    en: 'You have reached the maximum message length. Your message has been recorded. Goodbye.',
    fr: 'Vous avez atteint la durée maximale du message. Votre message a été enregistré. Au revoir.',
    es: 'Ha alcanzado la duración máxima del mensaje. Su mensaje ha sido grabado. Adiós.',
    de: 'Sie haben die maximale Nachrichtenlänge erreicht. Ihre Nachricht wurde aufgezeichnet. Auf Wiederhören.',
  },
  'message-saved': {
    en: 'Your message has been recorded. Goodbye.',
    fr: 'Votre message a été enregistré. Au revoir.',
    es: 'Su mensaje ha sido grabado. Adiós.',
    de: 'Ihre Nachricht wurde aufgezeichnet. Auf Wiederhören.',
  },
  'no-new-messages': {
    en: 'You have no new messages. Goodbye.',
    fr: "Vous n'avez aucun nouveau message. Au revoir.",
    es: 'No tiene mensajes nuevos. Adiós.',
    de: 'Sie haben keine neuen Nachrichten. Auf Wiederhören.',
  },
  'message-options': {
    en: 'Press 1 to listen again, 7 to delete, or 9 for the next message.',
    fr: 'Appuyez sur 1 pour réécouter, sur 7 pour supprimer, ou sur 9 pour le message suivant.',
    es: 'Pulse 1 para escuchar de nuevo, 7 para borrar, o 9 para el siguiente mensaje.',
    de: 'Drücken Sie die 1 zum erneuten Anhören, die 7 zum Löschen oder die 9 für die nächste Nachricht.',
  },
  'message-deleted': {
    en: 'Message deleted.',
    fr: 'Message supprimé.',
    es: 'Mensaje borrado.',
    de: 'Nachricht gelöscht.',
  },
  'no-more-messages': {
    en: 'You have no more new messages. Goodbye.',
    fr: "Vous n'avez plus de nouveaux messages. Au revoir.",
    es: 'No tiene más mensajes nuevos. Adiós.',
    de: 'Sie haben keine weiteren neuen Nachrichten. Auf Wiederhören.',
  },
  'recording-menu': {
    en: 'Press 1 to record a message, 2 to listen to the current message, or the pound key to end the call.',
    fr: "Appuyez sur 1 pour enregistrer un message, sur 2 pour écouter le message actuel, ou sur la touche dièse pour terminer l'appel.",
    es: 'Pulse 1 para grabar un mensaje, 2 para escuchar el mensaje actual, o la tecla almohadilla para terminar la llamada.',
    de: 'Drücken Sie die 1, um eine Nachricht aufzunehmen, die 2, um die aktuelle Nachricht anzuhören, oder die Rautetaste, um das Gespräch zu beenden.',
  },
  'invalid-key': {
    en: 'That key is not valid.',
    fr: "Cette touche n'est pas valide.",
    es: 'Esa tecla no es válida.',
    de: 'Diese Taste ist ungültig.',
  },
  'no-message-yet': {
    en: 'There is no message yet.',
    fr: "Il n'y a pas encore de message.",
    es: 'Todavía no hay ningún mensaje.',
    de: 'Es gibt noch keine Nachricht.',
  },
  'message-recorded': {
    en: 'Your message has been recorded.',
    fr: 'Votre message a été enregistré.',
    es: 'Su mensaje ha sido grabado.',
    de: 'Ihre Nachricht wurde aufgezeichnet.',
  },
  'nothing-recorded': {
    en: 'Nothing was recorded.',
    fr: "Rien n'a été enregistré.",
    es: 'No se ha grabado nada.',
    de: 'Es wurde nichts aufgezeichnet.',
  },
  'conference-pin': {
    en: 'Please enter the conference PIN, followed by the pound key.',
    fr: 'Veuillez saisir le code de la conférence, suivi de la touche dièse.',
    es: 'Introduzca el PIN de la conferencia, seguido de la tecla almohadilla.',
    de: 'Bitte geben Sie die PIN der Konferenz ein, gefolgt von der Rautetaste.',
  },
  'conference-pin-wrong': {
    en: 'That PIN is not correct.',
    fr: "Ce code n'est pas correct.",
    es: 'Ese PIN no es correcto.',
    de: 'Diese PIN ist nicht richtig.',
  },
  'conference-alone': {
    en: 'You are the first participant. Please wait for the others to join.',
    fr: 'Vous êtes le premier participant. Veuillez patienter, les autres vont vous rejoindre.',
    es: 'Usted es el primer participante. Espere a que se unan los demás.',
    de: 'Sie sind der erste Teilnehmer. Bitte warten Sie, bis die anderen dazukommen.',
  },
  'conference-full': {
    en: 'This conference is full. Please try again later. Goodbye.',
    fr: 'Cette conférence est complète. Merci de rappeler plus tard. Au revoir.',
    es: 'Esta conferencia está completa. Por favor, inténtelo más tarde. Adiós.',
    de: 'Diese Konferenz ist voll. Bitte versuchen Sie es später noch einmal. Auf Wiederhören.',
  },
  'invalid-choice': {
    en: 'That choice is not valid.',
    fr: "Ce choix n'est pas valide.",
    es: 'Esa opción no es válida.',
    de: 'Diese Auswahl ist ungültig.',
  },
};

const KEY_NAMES: Record<Language, Record<string, string>> = {
  en: { '*': 'star', '#': 'pound' },
  fr: { '*': 'étoile', '#': 'dièse' },
  es: { '*': 'asterisco', '#': 'almohadilla' },
  de: { '*': 'Stern', '#': 'Raute' },
};

/** "1, 2 or 9" in the language's own words. */
function keyList(keys: string[], language: Language): string {
  const named = keys.map((key) => KEY_NAMES[language][key] ?? key);
  const or = { en: 'or', fr: 'ou', es: 'o', de: 'oder' }[language];
  return named.length <= 1 ? (named[0] ?? '') : `${named.slice(0, -1).join(', ')} ${or} ${named.at(-1)}`;
}

/** Prompts with a value: the text for a language. eSpeak reads the digits in that language. */
export function spokenText(value: SpokenValue, language: Language): string {
  switch (value.name) {
    case 'new-messages': {
      const n = value.count;
      return {
        en: n === 1 ? 'You have 1 new message.' : `You have ${n} new messages.`,
        fr: n === 1 ? 'Vous avez 1 nouveau message.' : `Vous avez ${n} nouveaux messages.`,
        es: n === 1 ? 'Tiene 1 mensaje nuevo.' : `Tiene ${n} mensajes nuevos.`,
        de: n === 1 ? 'Sie haben 1 neue Nachricht.' : `Sie haben ${n} neue Nachrichten.`,
      }[language];
    }
    case 'message-from': {
      // Digits one by one, as a number is read on the phone.
      const caller = /^\+?[0-9]+$/.test(value.caller) ? value.caller.replace(/\D/g, '').split('').join(' ') : value.caller;
      return {
        en: `Message ${value.index}, from ${caller}.`,
        fr: `Message ${value.index}, de ${caller}.`,
        es: `Mensaje ${value.index}, de ${caller}.`,
        de: `Nachricht ${value.index}, von ${caller}.`,
      }[language];
    }
    case 'menu': {
      if (value.text.trim() !== '') return value.text;
      if (value.keys.length === 0) return { en: 'Please wait.', fr: 'Veuillez patienter.', es: 'Por favor, espere.', de: 'Bitte warten Sie.' }[language];
      const keys = keyList(value.keys, language);
      return {
        en: `Please choose ${keys}.`,
        fr: `Veuillez choisir ${keys}.`,
        es: `Por favor, elija ${keys}.`,
        de: `Bitte wählen Sie ${keys}.`,
      }[language];
    }
  }
}
