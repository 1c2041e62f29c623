// Drag kubeconfig files onto the window to import them: the page reads each file's text and
// sends it (a browser page never learns a dropped file's path). Only drags carrying files are
// taken; text dragged inside the editor is left alone.
import { useEffect, useState } from 'react';
import { useApp, useServices } from '../../state/services';
import { importedText, importFiles } from './import-files';

const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');

export function DropImport() {
  const { host } = useServices();
  const toast = useApp((s) => s.toast);
  const [over, setOver] = useState(false);
  useEffect(() => {
    let depth = 0; // dragenter/dragleave fire for every child element crossed
    const enter = (e: DragEvent) => {
      if (hasFiles(e)) {
        depth++;
        setOver(true);
      }
    };
    const leave = (e: DragEvent) => {
      if (hasFiles(e) && --depth <= 0) {
        depth = 0;
        setOver(false);
      }
    };
    const dragover = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault(); // allows the drop (the browser would open the file otherwise)
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const drop = async (e: DragEvent) => {
      depth = 0;
      setOver(false);
      // Not files, or taken already (the YAML editor inserts a dropped file's text).
      if (!hasFiles(e) || e.defaultPrevented) return;
      const files = Array.from(e.dataTransfer?.files ?? []);
      if (!files.length) return;
      const r = await importFiles(host, files);
      for (const s of r.imported) toast(importedText(s));
      for (const f of r.failed) toast(`Could not import ${f}`, 'bad');
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('dragover', dragover);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('dragover', dragover);
      window.removeEventListener('drop', drop);
    };
  }, [host, toast]);
  if (!over) return null;
  return (
    <div className="overlay drop-zone" data-testid="drop-zone">
      <div className="dialog">Drop kubeconfig files to import them (stored in Skiff, encrypted)</div>
    </div>
  );
}
