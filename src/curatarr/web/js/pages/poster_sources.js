// Poster sources: the Google Drive folders sync_gdrive mirrors, their stats, sync buttons and live progress.
import { driveSources } from "./_gdrive_sources.js";

export const meta = { id: "poster_sources", title: "Poster sources", icon: "☁", order: 42, section: "Artwork" };

export async function render(root) {
  const drive = driveSources();
  root.append(drive.node);
  await drive.load();
  return drive.stop;
}
