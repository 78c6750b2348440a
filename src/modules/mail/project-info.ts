import type { Config } from '../../config.js';
import type { SettingsRow } from '../../db/schema.js';
import type { ProjectInfo } from './mailer.js';

/** The project's name, colour, logo and address, merged into every email. */
export function projectInfo(settings: SettingsRow, config: Config): ProjectInfo {
  return {
    projectName: settings.project_name,
    projectColor: settings.project_color,
    projectLogo: settings.project_logo,
    projectUrl: settings.project_url ?? config.publicUrl,
  };
}
