// Dialogs of the profiles UI that any part of the app may ask for: the exec consent dialog
// (the store's consentFor) and the drop target for kubeconfig files.
import { useApp } from '../../state/services';
import { ConsentDialog } from './consent-dialog';
import { DropImport } from './drop-import';

export function ProfileOverlays() {
  const consentFor = useApp((s) => s.consentFor);
  return (
    <>
      <DropImport />
      {consentFor && <ConsentDialog key={consentFor} profile={consentFor} />}
    </>
  );
}
