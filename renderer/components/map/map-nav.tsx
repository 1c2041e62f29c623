// The sidebar's entry for the resource map, under Overview.
import { useApp } from '../../state/services';

export function MapNav() {
  const active = useApp((s) => s.view.kind === 'map');
  const showMap = useApp((s) => s.showMap);
  return (
    <button className={`nav-item top${active ? ' active' : ''}`} data-testid="nav-map" onClick={showMap}>
      Map
    </button>
  );
}
