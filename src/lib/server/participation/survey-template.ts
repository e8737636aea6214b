/**
 * The survey template of seed 001 (online survey N=250): awareness and use of the Welcome Point,
 * how helpful it was, how people heard of it, and the reasons for not using it the research
 * names — no need, organisational reasons, content, competition (another place), information
 * deficits — with every text in the app's seven languages. `createSurveyFromTemplate` makes a
 * draft of it with one button.
 */
import type { Principal } from '../access';
import type { Db } from '../db/client';
import { createSurvey, type QuestionInput, type SurveyRow } from './surveys';

type Texts = Record<'de' | 'en' | 'ar' | 'fa' | 'uk' | 'tr' | 'ru', string>;
const t = (de: string, en: string, ar: string, fa: string, uk: string, tr: string, ru: string): Texts => ({ de, en, ar, fa, uk, tr, ru });

/** The template's title and intro. */
export const TEMPLATE_TITLE = t('Nutzung des Welcome Points', 'Use of the Welcome Point', 'استخدام نقطة الترحيب', 'استفاده از ولکام پوینت', 'Користування Welcome Point', "Welcome Point'in kullanımı", 'Использование Welcome Point');
const TEMPLATE_INTRO = t(
	'Ihre Antworten sind anonym. Sie helfen, das Angebot zu verbessern.',
	'Your answers are anonymous. They help to improve the offer.',
	'إجاباتك مجهولة الهوية. وهي تساعد على تحسين الخدمة.',
	'پاسخ‌های شما ناشناس است و به بهبود خدمات کمک می‌کند.',
	'Ваші відповіді анонімні. Вони допомагають покращити пропозицію.',
	'Yanıtlarınız anonimdir. Hizmetin iyileştirilmesine yardımcı olur.',
	'Ваши ответы анонимны. Они помогают улучшить предложение.'
);

/** The template's questions (seed 001), in order; option keys are stable for comparisons. */
export const TEMPLATE_QUESTIONS: QuestionInput[] = [
	{
		kind: 'single',
		text: t('Kennen Sie den Welcome Point in Ihrem Stadtteil?', 'Do you know the Welcome Point in your neighbourhood?', 'هل تعرف نقطة الترحيب (Welcome Point) في حيّك؟', 'آیا ولکام پوینت (Welcome Point) محله‌تان را می‌شناسید؟', 'Чи знаєте ви Welcome Point у вашому районі?', "Mahallenizdeki Welcome Point'i biliyor musunuz?", 'Знаете ли вы Welcome Point в вашем районе?'),
		options: [
			{ key: 'yes_used', label: t('Ja, und ich habe ihn genutzt', 'Yes, and I have used it', 'نعم، واستخدمتها', 'بله، و از آن استفاده کرده‌ام', 'Так, і я ним користувався', 'Evet ve kullandım', 'Да, и я им пользовался') },
			{ key: 'yes_not_used', label: t('Ja, aber ich habe ihn nicht genutzt', 'Yes, but I have not used it', 'نعم، لكنني لم أستخدمها', 'بله، ولی از آن استفاده نکرده‌ام', 'Так, але я ним не користувався', 'Evet ama kullanmadım', 'Да, но я им не пользовался') },
			{ key: 'no', label: t('Nein', 'No', 'لا', 'نه', 'Ні', 'Hayır', 'Нет') }
		]
	},
	{
		kind: 'multiple',
		text: t('Wenn Sie ihn nicht genutzt haben: Warum nicht?', 'If you have not used it: why not?', 'إذا لم تستخدمها: لماذا؟', 'اگر از آن استفاده نکرده‌اید: چرا؟', 'Якщо ви ним не користувалися: чому?', 'Kullanmadıysanız: neden?', 'Если вы им не пользовались: почему?'),
		options: [
			{ key: 'no_need', label: t('Ich brauchte keine Hilfe', 'I did not need help', 'لم أكن بحاجة إلى مساعدة', 'به کمک نیاز نداشتم', 'Мені не потрібна була допомога', 'Yardıma ihtiyacım yoktu', 'Мне не нужна была помощь') },
			{ key: 'organisational', label: t('Öffnungszeiten, Weg oder Termine passen nicht', 'Opening hours, distance or appointments do not suit me', 'أوقات العمل أو المسافة أو المواعيد لا تناسبني', 'ساعات کاری، مسافت یا نوبت‌ها برایم مناسب نیست', 'Години роботи, дорога чи запис не підходять', 'Çalışma saatleri, yol veya randevular uygun değil', 'Часы работы, дорога или запись не подходят') },
			{ key: 'content', label: t('Das Angebot passt nicht zu meinen Fragen', 'The offer does not fit my questions', 'الخدمة لا تناسب أسئلتي', 'خدمات آن با پرسش‌های من جور نیست', 'Пропозиція не відповідає моїм питанням', 'Sunulanlar sorularıma uymuyor', 'Предложение не соответствует моим вопросам') },
			{ key: 'competition', label: t('Ich gehe lieber zu einer anderen Stelle', 'I prefer another place', 'أفضّل جهة أخرى', 'ترجیح می‌دهم به جای دیگری بروم', 'Я надаю перевагу іншому місцю', 'Başka bir yeri tercih ediyorum', 'Я предпочитаю другое место') },
			{ key: 'information', label: t('Ich wusste nicht genug darüber', 'I did not know enough about it', 'لم أكن أعرف عنها ما يكفي', 'اطلاعات کافی درباره‌اش نداشتم', 'Я знав про нього замало', 'Hakkında yeterince bilgim yoktu', 'Я знал о нём слишком мало') }
		]
	},
	{
		kind: 'scale',
		text: t('Wie hilfreich war der Welcome Point für Sie? (1 = gar nicht, 5 = sehr)', 'How helpful was the Welcome Point for you? (1 = not at all, 5 = very)', 'ما مدى فائدة نقطة الترحيب لك؟ (1 = لا فائدة، 5 = مفيدة جدًا)', 'ولکام پوینت چقدر برای شما مفید بود؟ (1 = اصلاً، 5 = خیلی)', 'Наскільки корисним був для вас Welcome Point? (1 = зовсім ні, 5 = дуже)', 'Welcome Point size ne kadar yardımcı oldu? (1 = hiç, 5 = çok)', 'Насколько полезным был для вас Welcome Point? (1 = совсем нет, 5 = очень)')
	},
	{
		kind: 'single',
		text: t('Wie haben Sie vom Welcome Point erfahren?', 'How did you hear about the Welcome Point?', 'كيف عرفت بنقطة الترحيب؟', 'چگونه از ولکام پوینت باخبر شدید؟', 'Як ви дізналися про Welcome Point?', "Welcome Point'i nereden duydunuz?", 'Как вы узнали о Welcome Point?'),
		options: [
			{ key: 'friends', label: t('Familie oder Bekannte', 'Family or friends', 'العائلة أو المعارف', 'خانواده یا آشنایان', 'Родина або знайомі', 'Aile veya tanıdıklar', 'Семья или знакомые') },
			{ key: 'office', label: t('Eine Behörde oder Beratungsstelle', 'An authority or advice centre', 'جهة رسمية أو مركز استشارة', 'یک اداره یا مرکز مشاوره', 'Установа або консультаційний центр', 'Bir kurum veya danışma merkezi', 'Учреждение или консультационный центр') },
			{ key: 'online', label: t('Internet oder soziale Medien', 'Internet or social media', 'الإنترنت أو وسائل التواصل الاجتماعي', 'اینترنت یا شبکه‌های اجتماعی', 'Інтернет або соцмережі', 'İnternet veya sosyal medya', 'Интернет или соцсети') },
			{ key: 'flyer', label: t('Flyer oder Aushang', 'Flyer or notice', 'منشور أو إعلان', 'بروشور یا اطلاعیه', 'Листівка або оголошення', 'El ilanı veya duyuru', 'Листовка или объявление') },
			{ key: 'not_heard', label: t('Gar nicht', 'Not at all', 'لم أسمع بها', 'اصلاً باخبر نشدم', 'Ніяк', 'Hiç duymadım', 'Никак') }
		]
	},
	{
		kind: 'text',
		text: t('Was sollte der Welcome Point besser machen?', 'What should the Welcome Point do better?', 'ما الذي ينبغي أن تحسّنه نقطة الترحيب؟', 'ولکام پوینت چه کاری را باید بهتر انجام دهد؟', 'Що Welcome Point має робити краще?', 'Welcome Point neyi daha iyi yapmalı?', 'Что Welcome Point должен делать лучше?')
	}
];

/**
 * Creates a draft survey from the seed 001 template in the municipality, with its audiences' links.
 * @throws as `createSurvey`.
 */
export function createSurveyFromTemplate(db: Db, principal: Principal, municipalityId: string, options: { isDemo?: boolean; title?: Record<string, string> } = {}): Promise<SurveyRow> {
	return createSurvey(db, principal, { municipalityId, title: options.title ?? TEMPLATE_TITLE, intro: TEMPLATE_INTRO, questions: TEMPLATE_QUESTIONS, isDemo: options.isDemo });
}
