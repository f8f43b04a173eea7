import { useEffect, useState } from 'react';

import { isNotFound, resourceErrorMessage, validateSLOConfig } from '../../resources';
import { ValidateResult } from '../../types';

/** How long typing must pause before the SLO config is sent for validation. */
export const VALIDATE_DELAY_MS = 500;

/** The state of the SLO config's live validation. */
export type ValidationState =
  | { status: 'idle' }
  | { status: 'checking' }
  | { status: 'done'; result: ValidateResult }
  | { status: 'unavailable'; message: string };

export const NOT_SAVED_MESSAGE =
  'Live validation needs a saved data source: click "Save & test" once, then edit the SLO config again.';

/**
 * useSLOValidation validates yaml through the data source's validate resource once typing has
 * paused for VALIDATE_DELAY_MS; an answer for an older text is dropped.
 */
export function useSLOValidation(uid: string | undefined, yaml: string): ValidationState {
  // The last answer and the text it is for; a text without an answer yet is being checked.
  const [answer, setAnswer] = useState<{ yaml: string; state: ValidationState }>();
  const checkable = uid !== undefined && uid !== '' && yaml.trim() !== '';

  useEffect(() => {
    if (!checkable) {
      return;
    }
    let current = true;
    const answered = (state: ValidationState) => current && setAnswer({ yaml, state });
    const timer = setTimeout(() => {
      validateSLOConfig(uid, yaml).then(
        (result) => answered({ status: 'done', result }),
        (err: unknown) =>
          answered({
            status: 'unavailable',
            message: isNotFound(err)
              ? NOT_SAVED_MESSAGE
              : `The SLO config could not be checked: ${resourceErrorMessage(err)}`,
          })
      );
    }, VALIDATE_DELAY_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [checkable, uid, yaml]);

  if (yaml.trim() === '') {
    return { status: 'idle' };
  }
  if (!uid) {
    return { status: 'unavailable', message: NOT_SAVED_MESSAGE };
  }
  return answer?.yaml === yaml ? answer.state : { status: 'checking' };
}
